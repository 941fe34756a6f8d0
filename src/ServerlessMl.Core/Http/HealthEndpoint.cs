using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessMl.Definitions;
using ServerlessMl.Monitoring;
using ServerlessMl.Registry;
using ServerlessMl.Serving;
using ServerlessMl.Storage;

namespace ServerlessMl.Http;

/// <summary>
/// GET /api/health (anonymous): can this instance serve the models it offers? 200 "healthy" when
/// every model serves and nothing is off; 200 "degraded" when something is (storage failing while
/// models serve from memory, a champion refused while the previous version serves, a model with
/// no champion set, e.g. one not trained yet); 503 "unhealthy" with Retry-After when a model that
/// has a champion cannot be served here. Live quality (<see cref="LiveHealth"/>) can make a model
/// degraded, never unhealthy: a drifting model still serves. A model without a champion is no fault of the instance,
/// so it never takes the instance out of rotation. The body carries stable words only: the
/// details are in the log, not for anonymous eyes.
/// </summary>
public sealed partial class HealthEndpoint
{
    private readonly ModelCatalog catalog;
    private readonly ModelRegistry registry;
    private readonly ModelPool pool;
    private readonly StorageOptions storage;
    private readonly IOptions<ServingOptions> options;
    private readonly ILogger<HealthEndpoint> logger;
    private readonly LiveHealth live;

    internal HealthEndpoint(ModelCatalog catalog, ModelRegistry registry, ModelPool pool, StorageOptions storage, IOptions<ServingOptions> options, ILogger<HealthEndpoint> logger, LiveHealth live)
    {
        this.live = live;
        this.logger = logger;
        this.catalog = catalog;
        this.registry = registry;
        this.pool = pool;
        this.storage = storage;
        this.options = options;
    }

    // What storage last said of each model's champion, so an outage does not turn a model that
    // has never had one into a fault of this instance.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _lastSeenWithoutChampion = new(StringComparer.Ordinal);

    public async Task<IResult> HandleAsync(CancellationToken cancellationToken)
    {
        string? storageProblem = null;
        var models = new List<ModelHealth>();
        using var deadline = storage.Deadline(cancellationToken);
        foreach (var definition in catalog.All)
        {
            ChampionCheck? check = null;
            if (storageProblem is null)
            {
                try
                {
                    check = await registry.CheckChampionAsync(definition.Name, known: null, deadline.Token);
                }
                catch (Exception ex) when (StorageFailure.Is(ex))
                {
                    storageProblem = StorageFailure.Reason(ex);
                    LogStorageFailed(ex.Message);
                }
            }

            if (check is not null)
            {
                _lastSeenWithoutChampion[definition.Name] = check.Result == ChampionCheckResult.None;
            }

            var withoutChampion = check is null ? _lastSeenWithoutChampion.GetValueOrDefault(definition.Name) : check.Result == ChampionCheckResult.None;
            var health = Judge(pool.GetLoadedModel(definition.Name), check, withoutChampion);
            var liveReason = check?.Alias is null ? live.Known(definition.Name) : await live.ReasonAsync(definition.Name, deadline.Token);
            models.Add(liveReason is null ? health : health with { Problem = health.Problem is null ? liveReason : $"{health.Problem}; {liveReason}" });
        }

        var status = models.Any(m => !m.CanServe && !m.NoChampion) ? "unhealthy"
            : storageProblem is not null || models.Any(m => m.Problem is not null) ? "degraded"
            : "healthy";
        var body = new HealthReport(status, storageProblem is null ? "reachable" : "unreachable", storageProblem, models);
        var result = Results.Json(body, RegistryJson.Options, statusCode: status == "unhealthy" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        return status == "unhealthy" ? Problems.WithRetryAfter(result, options.Value.RetryAfterSeconds) : result;
    }

    /// <summary>One model's state from what this instance has loaded and what the alias says now (null: storage did not answer).</summary>
    private static ModelHealth Judge(LoadedModelInfo loaded, ChampionCheck? check, bool noChampion)
    {
        var champion = check?.Alias?.Version;
        var damagedAlias = check is { Result: ChampionCheckResult.Unreadable };
        var refused = loaded.FailedVersion is not null && (check is null || champion == loaded.FailedVersion);

        string? problem = damagedAlias ? "the champion alias is damaged"
            : check is { Result: ChampionCheckResult.None } ? "no champion is set"
            : refused ? $"champion version {loaded.FailedVersion} cannot be loaded"
            : check is null ? "model storage is unavailable"
            : loaded.LastCheckError is not null ? loaded.LastCheckError
            : null;

        // Loaded: it serves whatever else is wrong. Not loaded: it serves only if a first request can load a good champion.
        var canServe = loaded.Version is not null || (champion is not null && !refused);
        var state = loaded.Version is not null ? "serving" : canServe ? "ready (loads on first request)" : "cannot serve";
        return new ModelHealth(loaded.Model, champion, loaded.Version, state, canServe, noChampion, problem);
    }

    [LoggerMessage(EventId = 720, Level = LogLevel.Warning, Message = "Health: model storage failed: {Reason}")]
    private partial void LogStorageFailed(string reason);

    public sealed record HealthReport(string Status, string Storage, string? StorageProblem, IReadOnlyList<ModelHealth> Models);

    public sealed record ModelHealth(
        string Model,
        string? Champion,
        string? LoadedVersion,
        string State,
        [property: System.Text.Json.Serialization.JsonIgnore] bool CanServe,
        [property: System.Text.Json.Serialization.JsonIgnore] bool NoChampion,
        string? Problem);
}
