using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessMl.Http;

namespace ServerlessMl.Functions.Triggers;

/// <summary>GET /api/models/{model} (function key): one model's champion manifest and the version this instance serves.</summary>
public sealed class GetModel(ModelsEndpoint endpoint)
{
    [Function(nameof(GetModel))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Model)] HttpRequest request,
        string model,
        CancellationToken cancellationToken) =>
        endpoint.GetAsync(model, cancellationToken);
}
