using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;
using ServerlessMl.Serving;
using ServerlessMl.Storage;

namespace ServerlessMl.Http;

/// <summary>
/// POST /api/models/{model}/promote (admin), body <c>{"version": "0003"}</c> or
/// <c>{"version": "0003", "force": true}</c>: re-points the champion (rollback) after checking the
/// version can serve. This instance serves it at once; others within their refresh interval.
/// </summary>
public sealed partial class PromoteEndpoint
{
    private readonly ModelCatalog catalog;
    private readonly ChampionPromoter promoter;
    private readonly ModelPool pool;
    private readonly StorageOptions storage;
    private readonly IOptions<ServingOptions> options;
    private readonly ILogger<PromoteEndpoint> logger;

    internal PromoteEndpoint(ModelCatalog catalog, ChampionPromoter promoter, ModelPool pool, StorageOptions storage, IOptions<ServingOptions> options, ILogger<PromoteEndpoint> logger)
    {
        this.logger = logger;
        this.catalog = catalog;
        this.promoter = promoter;
        this.pool = pool;
        this.storage = storage;
        this.options = options;
    }

    public async Task<IResult> HandleAsync(HttpRequest request, string model, CancellationToken cancellationToken)
    {
        if (!catalog.TryGet(model, out var definition))
        {
            return Problems.UnknownModel(model, catalog);
        }

        var (root, problem) = await JsonBody.ReadDocumentAsync(request, 4096, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        (var version, var force, problem) = ReadBody(root!.Value);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            using var deadline = storage.Deadline(cancellationToken);
            var promotion = await promoter.PromoteAsync(definition.Name, version!, force, "promoted through the API", deadline.Token);
            await pool.RefreshAsync(definition.Name, promotion.Verified, deadline.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var loaded = pool.GetLoadedModel(definition.Name);
            return Results.Json(
                new
                {
                    promotion.Model,
                    champion = promotion.Version,
                    promotion.PromotedUtc,
                    forced = promotion.ForcedPast is not null,
                    cannotServe = promotion.ForcedPast,
                    servingVersion = loaded.Version,
                },
                RegistryJson.Options);
        }
        catch (VersionNotFoundException ex)
        {
            return Problems.NotFound(ex.Message);
        }
        catch (ModelRefusedException ex)
        {
            return Problems.Unprocessable(
                "Not promoted: the version cannot serve",
                $"{ex.Message} The champion is unchanged. Send \"force\": true to promote it anyway.");
        }
        catch (Exception ex) when (StorageFailure.Is(ex))
        {
            LogStorageFailed(definition.Name, ex.Message);
            return Problems.StorageUnavailable(ex, options.Value.RetryAfterSeconds);
        }
    }

    private static (string? Version, bool Force, IResult? Problem) ReadBody(JsonElement root)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string? version = null;
        var force = false;
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors["$"] = ["must be a JSON object such as {\"version\": \"0003\"}"];
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    errors[property.Name] = ["appears more than once"];
                    continue;
                }

                switch (property.Name)
                {
                    case "version" when property.Value.ValueKind == JsonValueKind.String && ModelRegistry.IsVersion(property.Value.GetString()!):
                        version = property.Value.GetString();
                        break;
                    case "version":
                        errors["version"] = ["must be a version number such as \"0003\""];
                        break;
                    case "force" when property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                        force = property.Value.GetBoolean();
                        break;
                    case "force":
                        errors["force"] = ["must be true or false"];
                        break;
                    default:
                        errors[property.Name] = ["is not a known field"];
                        break;
                }
            }

            if (version is null && !errors.ContainsKey("version"))
            {
                errors["version"] = ["is required, e.g. \"0003\""];
            }
        }

        return errors.Count == 0
            ? (version, force, null)
            : (null, false, Problems.BadRequest("Send {\"version\": \"0003\"} (and \"force\": true to promote a version that cannot serve).", errors));
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "Promote of {Model}: model storage failed: {Reason}")]
    private partial void LogStorageFailed(string model, string reason);
}
