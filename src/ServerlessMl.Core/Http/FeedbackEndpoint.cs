using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessMl.Definitions;
using ServerlessMl.Monitoring;
using ServerlessMl.Registry;
using ServerlessMl.Serving;
using ServerlessMl.Storage;
using ServerlessMl.Telemetry;

namespace ServerlessMl.Http;

/// <summary>
/// POST /api/models/{model}/feedback: the true outcome of answered predictions, by the
/// <c>x-request-id</c> of the predict answer and the item's index, as <c>{"requestId", "item",
/// "label"}</c> or an array of up to MaxBatch of them. The feedback is the caller's data, so it is
/// appended to the feedback log before the answer: 202 says what was recorded, 503 that nothing
/// was. Whether an id was ever logged is for the live quality job to find out (it counts the ones
/// that were not); this route cannot know, since logging is sampled and written in the background.
/// </summary>
public sealed partial class FeedbackEndpoint
{
    private readonly ModelCatalog catalog;
    private readonly FeedbackLog log;
    private readonly StorageOptions storage;
    private readonly ServingOptions serving;
    private readonly ModelSettingsMap modelSettings;
    private readonly TimeProvider time;
    private readonly ILogger<FeedbackEndpoint> logger;

    internal FeedbackEndpoint(
        ModelCatalog catalog, FeedbackLog log, StorageOptions storage, IOptions<ServingOptions> serving, IOptions<ModelSettingsMap> modelSettings, TimeProvider time, ILogger<FeedbackEndpoint> logger)
    {
        this.catalog = catalog;
        this.log = log;
        this.storage = storage;
        this.serving = serving.Value;
        this.modelSettings = modelSettings.Value;
        this.time = time;
        this.logger = logger;
    }

    public async Task<IResult> HandleAsync(HttpRequest request, string model, CancellationToken cancellationToken)
    {
        if (!catalog.TryGet(model, out var definition))
        {
            return Problems.UnknownModel(model, catalog);
        }

        using var span = ServerlessMlTelemetry.Start("feedback", definition.Name, ActivityKind.Server);
        var limits = ServingLimits.For(modelSettings, definition.Name, serving);
        var (root, problem) = await JsonBody.ReadDocumentAsync(request, limits.MaxBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var received = time.GetUtcNow();
        (var records, problem) = FeedbackBody.Read(root!.Value, definition, limits.MaxBatch, received);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            using var deadline = storage.Deadline(cancellationToken);
            await log.AppendAsync(definition.Name, received, records, deadline.Token);
        }
        catch (Exception ex) when (StorageFailure.Is(ex))
        {
            span?.SetStatus(ActivityStatusCode.Error);
            LogStorageFailed(definition.Name, ex.Message);
            return Problems.StorageUnavailable(ex, serving.RetryAfterSeconds);
        }

        return Results.Json(
            new
            {
                model = definition.Name,
                receivedUtc = received,
                recorded = records.Count,
                feedback = records.Select(r => new { r.RequestId, r.Item, r.Label, r.Actual }),
            },
            RegistryJson.Options,
            statusCode: StatusCodes.Status202Accepted);
    }

    [LoggerMessage(EventId = 730, Level = LogLevel.Warning, Message = "Feedback for {Model}: storage failed, nothing recorded: {Reason}")]
    private partial void LogStorageFailed(string model, string reason);
}
