using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;
using ServerlessMl.Serving;
using ServerlessMl.Storage;

namespace ServerlessMl.Http;

/// <summary>
/// GET /api/models and GET /api/models/{model}: the champion's manifest and what this instance
/// serves. 503 with Retry-After when storage cannot answer within the deadline.
/// </summary>
public sealed partial class ModelsEndpoint
{
    private readonly ModelCatalog catalog;
    private readonly ModelRegistry registry;
    private readonly ModelPool pool;
    private readonly StorageOptions storage;
    private readonly IOptions<ServingOptions> options;
    private readonly ILogger<ModelsEndpoint> logger;

    internal ModelsEndpoint(ModelCatalog catalog, ModelRegistry registry, ModelPool pool, StorageOptions storage, IOptions<ServingOptions> options, ILogger<ModelsEndpoint> logger)
    {
        this.logger = logger;
        this.catalog = catalog;
        this.registry = registry;
        this.pool = pool;
        this.storage = storage;
        this.options = options;
    }

    public Task<IResult> ListAsync(CancellationToken cancellationToken) =>
        WithinDeadlineAsync(
            async token =>
            {
                var models = new List<ModelStatus>();
                foreach (var definition in catalog.All)
                {
                    models.Add(await DescribeAsync(definition, token));
                }

                return new { models };
            },
            cancellationToken);

    public Task<IResult> GetAsync(string model, CancellationToken cancellationToken) =>
        catalog.TryGet(model, out var definition)
            ? WithinDeadlineAsync(token => DescribeAsync(definition, token), cancellationToken)
            : Task.FromResult(Problems.UnknownModel(model, catalog));

    /// <summary>The body as JSON, or 503 with Retry-After when storage fails or misses the deadline.</summary>
    private async Task<IResult> WithinDeadlineAsync<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            using var deadline = storage.Deadline(cancellationToken);
            return Results.Json(await read(deadline.Token), RegistryJson.Options);
        }
        catch (Exception ex) when (StorageFailure.Is(ex))
        {
            LogStorageFailed(ex.Message);
            return Problems.StorageUnavailable(ex, options.Value.RetryAfterSeconds);
        }
    }

    private async Task<ModelStatus> DescribeAsync(IModelDefinition definition, CancellationToken cancellationToken)
    {
        var loaded = pool.GetLoadedModel(definition.Name);
        ModelManifest? champion = null;
        string? registryError = null;
        var check = await registry.CheckChampionAsync(definition.Name, known: null, cancellationToken);
        if (check.Result == ChampionCheckResult.Unreadable)
        {
            registryError = $"The champion alias {ModelRegistry.ChampionBlobName(definition.Name)} is damaged; promote a version to rewrite it.";
        }
        else if (check.Alias is { } alias)
        {
            try
            {
                // Manifests never change once written: the one this instance loaded saves a download.
                champion = alias.Version == loaded.Version ? loaded.Manifest
                    : await registry.GetManifestAsync(definition.Name, alias.Version, cancellationToken);
            }
            catch (System.Text.Json.JsonException ex)
            {
                registryError = $"The champion's manifest ({ModelRegistry.ManifestBlobName(definition.Name, alias.Version)}) is not valid JSON: {ex.Message}";
            }
        }

        return new ModelStatus(
            definition.Name,
            definition.Description,
            check.Alias?.Version,
            champion,
            new LoadedStatus(loaded.Version, loaded.LoadedUtc, loaded.FailedVersion, loaded.FailureReason, loaded.LastCheckUtc, loaded.LastCheckError),
            registryError);
    }

    [LoggerMessage(EventId = 710, Level = LogLevel.Warning, Message = "Reading the registry failed: {Reason}")]
    private partial void LogStorageFailed(string reason);

    internal sealed record ModelStatus(string Model, string Description, string? ChampionVersion, ModelManifest? Champion, LoadedStatus Loaded, string? RegistryError);

    internal sealed record LoadedStatus(string? Version, DateTimeOffset? LoadedUtc, string? FailedVersion, string? FailureReason, DateTimeOffset? LastCheckUtc, string? LastCheckError);
}
