using Microsoft.AspNetCore.Http;
using ServerlessMl.Models;
using ServerlessMl.Registry;
using ServerlessMl.Serving;

namespace ServerlessMl.Http;

/// <summary>GET /api/models and GET /api/models/{model}: the champion's manifest and what this instance serves.</summary>
public sealed class ModelsEndpoint(ModelCatalog catalog, ModelRegistry registry, ModelPool pool)
{
    public async Task<IResult> ListAsync(CancellationToken cancellationToken)
    {
        var models = new List<ModelStatus>();
        foreach (var definition in catalog.All)
        {
            models.Add(await DescribeAsync(definition, cancellationToken));
        }

        return Results.Json(new { models }, RegistryJson.Options);
    }

    public async Task<IResult> GetAsync(string model, CancellationToken cancellationToken)
    {
        if (!catalog.TryGet(model, out var definition))
        {
            return Problems.NotFound($"Unknown model '{model}'.");
        }

        return Results.Json(await DescribeAsync(definition, cancellationToken), RegistryJson.Options);
    }

    private async Task<ModelStatus> DescribeAsync(IModelDefinition definition, CancellationToken cancellationToken)
    {
        var loaded = pool.GetLoadedModel(definition.Name);
        ModelManifest? champion = null;
        string? registryError = null;
        try
        {
            var alias = await registry.GetChampionAsync(definition.Name, cancellationToken);
            // Manifests never change once written: the one this instance loaded saves a download.
            champion = alias is null ? null
                : alias.Value.Alias.Version == loaded.Version ? loaded.Manifest
                : await registry.GetManifestAsync(definition.Name, alias.Value.Alias.Version, cancellationToken);
        }
        catch (Azure.RequestFailedException ex)
        {
            registryError = ex.Message;
        }
        catch (HttpRequestException ex)
        {
            registryError = ex.Message;
        }
        catch (System.Text.Json.JsonException ex)
        {
            registryError = $"The champion's manifest is not valid JSON: {ex.Message}";
        }

        return new ModelStatus(
            definition.Name,
            definition.Description,
            champion,
            new LoadedStatus(loaded.Version, loaded.LoadedUtc, loaded.FailedVersion, loaded.FailureReason, loaded.LastCheckUtc, loaded.LastCheckError),
            registryError);
    }

    public sealed record ModelStatus(string Model, string Description, ModelManifest? Champion, LoadedStatus Loaded, string? RegistryError);

    public sealed record LoadedStatus(string? Version, DateTimeOffset? LoadedUtc, string? FailedVersion, string? FailureReason, DateTimeOffset? LastCheckUtc, string? LastCheckError);
}
