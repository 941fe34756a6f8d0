using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessMl.Http;

namespace ServerlessMl.Functions.Triggers;

/// <summary>POST /api/models/{model}/promote (admin key), body {"version": "0003"}: re-point the champion.</summary>
public sealed class PromoteModel(PromoteEndpoint endpoint)
{
    [Function(nameof(PromoteModel))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = Routes.Promote)] HttpRequest request,
        string model,
        CancellationToken cancellationToken) =>
        endpoint.HandleAsync(request, model, cancellationToken);
}
