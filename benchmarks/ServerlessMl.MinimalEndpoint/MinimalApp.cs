using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ServerlessMl.MinimalEndpoint;

/// <summary>The minimal endpoint's one route, mapped by its Program.cs and by the in-process pipeline benchmark.</summary>
public static class MinimalApp
{
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
