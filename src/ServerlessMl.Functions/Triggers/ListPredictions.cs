using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessMl.Http;

namespace ServerlessMl.Functions.Triggers;

/// <summary>GET /api/models/{model}/predictions?from=…&amp;to=… (function key): a page of precomputed predictions.</summary>
public sealed class ListPredictions(ScoringEndpoint endpoint)
{
    [Function(nameof(ListPredictions))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Predictions)] HttpRequest request,
        string model,
        CancellationToken cancellationToken) =>
        endpoint.ListAsync(request, model, cancellationToken);
}
