using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessMl.Http;

namespace ServerlessMl.Functions.Triggers;

/// <summary>POST /api/models/{model}/predict (function key): one object or a batch.</summary>
public sealed class Predict(PredictEndpoint endpoint)
{
    [Function(nameof(Predict))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Predict)] HttpRequest request,
        string model,
        CancellationToken cancellationToken) =>
        endpoint.HandleAsync(request, model, cancellationToken);
}
