using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessMl.Http;

namespace ServerlessMl.Functions.Triggers;

/// <summary>GET /api/models (function key): every model's champion manifest and the version this instance serves.</summary>
public sealed class ListModels(ModelsEndpoint endpoint)
{
    [Function(nameof(ListModels))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.List)] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoint.ListAsync(cancellationToken);
}
