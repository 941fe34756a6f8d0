using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessMl.Http;

namespace ServerlessMl.Functions.Triggers;

/// <summary>GET /api/models/{model}/predictions/{key} (function key): one precomputed prediction.</summary>
public sealed class GetPrediction(ScoringEndpoint endpoint)
{
    [Function(nameof(GetPrediction))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Prediction)] HttpRequest request,
        string model,
        string key,
        CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, model, key, cancellationToken);
}
