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

    /// <param name="onRequest">Called at the start of every request (Program.cs marks the first).</param>
    public static void MapPredict(WebApplication app, MinimalPredictor predictor, Action? onRequest = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(predictor);
        app.MapPost("/predict", async (HttpRequest request) =>
        {
            onRequest?.Invoke();
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
}
