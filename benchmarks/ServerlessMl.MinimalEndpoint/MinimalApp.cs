using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ServerlessMl.MinimalEndpoint;

/// <summary>The minimal endpoint's host settings and its one route, used by its Program.cs and by the in-process pipeline benchmark.</summary>
internal static class MinimalApp
{
    /// <summary>serve's host settings (slim builder, content root at the binaries) and no logging: what a user's plain app would have.</summary>
    public static WebApplicationBuilder CreateBuilder()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        return builder;
    }

    /// <param name="apiKey">When set, a request without it (header <c>x-functions-key</c> or query <c>code</c>) gets a 401.</param>
    /// <param name="onRequest">Called at the start of every request (Program.cs marks the first).</param>
    public static void MapPredict(WebApplication app, MinimalPredictor predictor, string? apiKey = null, Action? onRequest = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(predictor);
        var key = apiKey is null ? null : System.Text.Encoding.UTF8.GetBytes(apiKey);
        app.MapPost("/predict", async (HttpRequest request) =>
        {
            onRequest?.Invoke();
            if (key is not null && !HasKey(request, key))
            {
                return Results.Unauthorized();
            }

            var body = await request.BodyReader.ReadAtLeastAsync(int.MaxValue);
            try
            {
                return predictor.Predict(body.Buffer.IsSingleSegment ? body.Buffer.FirstSpan : body.Buffer.ToArray());
            }
            finally
            {
                request.BodyReader.AdvanceTo(body.Buffer.End);
            }
        });
    }

    // Compared in fixed time, as a key should be.
    private static bool HasKey(HttpRequest request, byte[] key)
    {
        var given = request.Headers["x-functions-key"].ToString() is { Length: > 0 } header ? header : request.Query["code"].ToString();
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(given), key);
    }
}
