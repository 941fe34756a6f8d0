using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessMl.Http;

namespace ServerlessMl.Functions.Triggers;

/// <summary>POST /api/models/{model}/feedback (function key): the true outcome of answered predictions, for live quality.</summary>
public sealed class SendFeedback(FeedbackEndpoint endpoint)
{
    [Function(nameof(SendFeedback))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Feedback)] HttpRequest request,
        string model,
        CancellationToken cancellationToken) =>
        endpoint.HandleAsync(request, model, cancellationToken);
}
