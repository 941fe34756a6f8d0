using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServerlessMl.Models;
using ServerlessMl.Registry;
using ServerlessMl.Serving;

namespace ServerlessMl.Http;

/// <summary>
/// POST /api/models/{model}/promote (admin), body <c>{"version": "0003"}</c>: re-points the champion
/// (rollback). This instance serves it at once; others within their refresh interval.
/// </summary>
public sealed class PromoteEndpoint(ModelCatalog catalog, ModelRegistry registry, ModelPool pool, IOptions<ServingOptions> options)
{
    public async Task<IResult> HandleAsync(HttpRequest request, string model, CancellationToken cancellationToken)
    {
        if (!catalog.TryGet(model, out var definition))
        {
            return Problems.NotFound($"Unknown model '{model}'.");
        }

        var (document, problem) = await JsonBody.ReadAsync(request, 4096, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        string? version;
        using (document)
        {
            var root = document!.RootElement;
            version = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()
                : null;
        }

        if (version is null || !ModelRegistry.IsVersion(version))
        {
            return Problems.BadRequest("Send {\"version\": \"0003\"}.", new Dictionary<string, string[]> { ["version"] = ["must be a version number such as \"0003\""] });
        }

        try
        {
            var alias = await registry.PromoteAsync(definition.Name, version, "promoted through the API", null, cancellationToken);
            await pool.RefreshAsync(definition.Name, cancellationToken);
            var loaded = pool.GetLoadedModel(definition.Name);
            if (loaded.FailedVersion == version)
            {
                return Problems.Unprocessable(
                    "Promoted, but not loadable",
                    $"Version {version} is now champion but this instance refused it: {loaded.FailureReason}. It keeps serving {loaded.Version ?? "nothing"}; promote a good version.");
            }

            return Results.Json(new { alias.Model, champion = alias.Version, alias.PromotedUtc, servingVersion = loaded.Version }, RegistryJson.Options);
        }
        catch (VersionNotFoundException ex)
        {
            return Problems.NotFound(ex.Message);
        }
        catch (System.Text.Json.JsonException ex)
        {
            return Problems.Unprocessable("Manifest unreadable", $"The manifest of version {version} is not valid JSON, so it was not promoted: {ex.Message}");
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException)
        {
            return Problems.Unavailable($"Model storage is unreachable: {ex.Message}", options.Value.RetryAfterSeconds);
        }
    }
}
