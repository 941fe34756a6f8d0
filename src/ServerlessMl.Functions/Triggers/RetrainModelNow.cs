using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessMl.Http;

namespace ServerlessMl.Functions.Triggers;

/// <summary>POST /api/models/{model}/retrain with the admin (master) key: retrain now.</summary>
public sealed class RetrainModelNow(RetrainEndpoint endpoint)
{
    [Function(nameof(RetrainModelNow))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = Routes.Retrain)] HttpRequest request,
        string model,
        CancellationToken cancellationToken) =>
        endpoint.HandleAsync(model, cancellationToken);
}
