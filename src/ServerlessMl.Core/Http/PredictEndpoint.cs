using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServerlessMl.Definitions;
using ServerlessMl.Monitoring;
using ServerlessMl.Serving;
using ServerlessMl.Telemetry;
using Tags = ServerlessMl.Telemetry.ServerlessMlTelemetry.Tags;

namespace ServerlessMl.Http;

/// <summary>
/// POST /api/models/{model}/predict: one JSON object gives one answer (regression
/// <c>{model, version, prediction}</c>, classification <c>{model, version, label, probability}</c>);
/// a JSON array of 1..MaxBatch objects gives <c>{model, version, predictions}</c>.
/// </summary>
public sealed class PredictEndpoint
{
    private readonly ModelCatalog catalog;
    private readonly ServerlessMlMetrics metrics;

    internal PredictEndpoint(ModelCatalog catalog, ModelPool pool, IOptions<ServingOptions> options, IOptions<ModelSettingsMap> modelSettings, ServerlessMlMetrics metrics, JsonAnswers answers, PredictionLogs logs)
    {
        this.catalog = catalog;
        this.metrics = metrics;
        _handlers = catalog.All.ToDictionary(
            d => d.Name,
            d => d.Accept(new PredictHandlers(pool, answers, ServingLimits.For(modelSettings.Value, d.Name, options.Value), options.Value.RetryAfterSeconds, logs)),
            StringComparer.OrdinalIgnoreCase);
    }

    private readonly Dictionary<string, IPredictHandler> _handlers;

    public async Task<IResult> HandleAsync(HttpRequest request, string model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Every answer carries it, a refusal too: a caller's report of any answer can be matched to it.
        var requestId = RequestId.Resolve(request.Headers[RequestId.Header]);
        request.HttpContext.Response.Headers[RequestId.Header] = requestId;

        // One lookup per request: the handler knows its model.
        if (!_handlers.TryGetValue(model, out var handler))
        {
            return Problems.UnknownModel(model, catalog);
        }

        var started = Stopwatch.GetTimestamp();
        using var span = ServerlessMlTelemetry.Start("predict", handler.Model, ActivityKind.Server);
        span?.SetTag(Tags.RequestId, requestId);
        var (result, version, items) = await handler.PredictAsync(request, requestId, cancellationToken);
        Record(span, handler.Model, version, items, result, started);
        return result;
    }

    private void Record(Activity? span, string model, string? version, int items, IResult result, long started)
    {
        var status = (result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
        span?.SetTag(Tags.Version, version);
        span?.SetTag(Tags.StatusCode, status);
        if (status >= 400)
        {
            span?.SetStatus(ActivityStatusCode.Error);
        }

        var modelTag = new KeyValuePair<string, object?>(Tags.Model, model);
        var statusTag = new KeyValuePair<string, object?>(Tags.StatusCode, status);
        if (metrics.Predictions.Enabled)
        {
            metrics.Predictions.Add(status == StatusCodes.Status200OK ? items : 1, modelTag, new KeyValuePair<string, object?>(Tags.Version, version), statusTag);
        }

        if (metrics.PredictionDuration.Enabled)
        {
            metrics.PredictionDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, modelTag, statusTag);
        }

        if (status == StatusCodes.Status200OK && metrics.BatchSize.Enabled)
        {
            metrics.BatchSize.Record(items, modelTag);
        }
    }
}
