using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessMl.Http;

namespace ServerlessMl.Functions.Triggers;

/// <summary>POST /api/models/{model}/score with the admin (master) key: precompute now.</summary>
public sealed class ScoreModelNow(ScoringEndpoint endpoint)
{
    [Function(nameof(ScoreModelNow))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = Routes.Score)] HttpRequest request,
        string model,
        CancellationToken cancellationToken) =>
        endpoint.ScoreAsync(model, cancellationToken);
}
