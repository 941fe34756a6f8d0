using Microsoft.AspNetCore.Http;
using ServerlessMl.Models;
using ServerlessMl.Registry;
using ServerlessMl.Training;

namespace ServerlessMl.Http;

/// <summary>POST /api/models/{model}/retrain (admin): runs the retrain job now and reports its outcome.</summary>
public sealed class RetrainEndpoint(ModelCatalog catalog, RetrainJob job)
{
    public async Task<IResult> HandleAsync(string model, CancellationToken cancellationToken)
    {
        if (!catalog.TryGet(model, out var definition))
        {
            return Problems.NotFound($"Unknown model '{model}'.");
        }

        var outcome = await job.RunAsync(definition.Name, "admin request", cancellationToken);
        return outcome.Status switch
        {
            RetrainStatus.Busy => Problems.Conflict(outcome.Reasons[0], Extensions(outcome)),
            RetrainStatus.Failed => Problems.Unprocessable("Retrain failed", string.Join(" ", outcome.Reasons), Extensions(outcome)),
            _ => Results.Json(outcome, RegistryJson.Options),
        };
    }

    private static Dictionary<string, object?> Extensions(RetrainOutcome outcome) => new()
    {
        ["model"] = outcome.Model,
        ["status"] = outcome.Status.ToString().ToLowerInvariant(),
        ["champion"] = outcome.Champion,
        ["reasons"] = outcome.Reasons,
    };
}
