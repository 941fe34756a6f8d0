using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using ServerlessMl.Registry;
using ServerlessMl.Serving;

namespace ServerlessMl.Http;

/// <summary>
/// GET /api/health (anonymous): liveness and readiness. 200 when storage answers or a model is
/// loaded (status "healthy" or "degraded"); 503 when neither.
/// </summary>
public sealed class HealthEndpoint(ModelRegistry registry, ModelPool pool)
{
    public async Task<IResult> HandleAsync(CancellationToken cancellationToken)
    {
        string? storageError = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await registry.Container.ExistsAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or OperationCanceledException or AggregateException)
        {
            storageError = ex.Message;
        }

        var models = pool.GetLoadedModels().Select(m => new
        {
            m.Model,
            loadedVersion = m.Version,
            m.LoadedUtc,
            m.FailedVersion,
            m.FailureReason,
            m.LastCheckError,
            status = m.Degraded ? "degraded" : m.Version is null ? "not loaded" : "ok",
        }).ToList();

        var anyLoaded = models.Any(m => m.loadedVersion is not null);
        var status = storageError is null && models.All(m => m.status != "degraded") ? "healthy"
            : storageError is null || anyLoaded ? "degraded"
            : "unhealthy";
        var body = new { status, storage = storageError is null ? "reachable" : "unreachable", storageError, models };
        return Results.Json(body, RegistryJson.Options, statusCode: status == "unhealthy" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }
}
