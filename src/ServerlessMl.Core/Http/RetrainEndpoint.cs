using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;
using ServerlessMl.Serving;
using ServerlessMl.Training;

namespace ServerlessMl.Http;

/// <summary>
/// POST /api/models/{model}/retrain (admin): runs the retrain job now and reports its outcome. The
/// run is not tied to the request: a caller who disconnects does not cancel it, and it logs its
/// outcome either way.
/// </summary>
public sealed class RetrainEndpoint
{
    private readonly ModelCatalog catalog;
    private readonly RetrainJob job;
    private readonly IOptions<ServingOptions> options;

    internal RetrainEndpoint(ModelCatalog catalog, RetrainJob job, IOptions<ServingOptions> options)
    {
        this.catalog = catalog;
        this.job = job;
        this.options = options;
    }

    public async Task<IResult> HandleAsync(string model, CancellationToken cancellationToken)
    {
        if (!catalog.TryGet(model, out var definition))
        {
            return Problems.UnknownModel(model, catalog);
        }

        var run = Task.Run(() => job.RunAsync(definition.Name, "admin request", CancellationToken.None), CancellationToken.None);
        RetrainOutcome outcome;
        try
        {
            outcome = await run.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller left; the run goes on and its outcome is in the log.
            return Results.Empty;
        }

        return Answer(outcome, options.Value.RetryAfterSeconds);
    }

    /// <summary>
    /// The status for each outcome: 409 for a run that met another (a run in progress, the champion
    /// or a drop changing under it: run again), 503 for storage, 422 for data or a trainer that
    /// cannot fit it, 200 otherwise.
    /// </summary>
    internal static IResult Answer(RetrainOutcome outcome, int retryAfterSeconds) => outcome switch
    {
        { Status: RetrainStatus.Busy } => Problems.Conflict(outcome.Reasons[0], Extensions(outcome)),
        { Failure: RetrainFailure.Conflict or RetrainFailure.DataChanged } => Problems.Conflict(outcome.Describe(), Extensions(outcome)),
        { Failure: RetrainFailure.Storage } => Problems.Unavailable(outcome.Describe(), retryAfterSeconds),
        { Status: RetrainStatus.Failed } => Problems.Unprocessable("Retrain failed", outcome.Describe(), Extensions(outcome)),
        _ => Results.Json(outcome, RegistryJson.Options),
    };

    private static Dictionary<string, object?> Extensions(RetrainOutcome outcome) => new()
    {
        ["model"] = outcome.Model,
        ["status"] = outcome.Status.ToString().ToLowerInvariant(),
        ["failure"] = outcome.Failure?.ToString().ToLowerInvariant(),
        ["champion"] = outcome.Champion,
        ["version"] = outcome.Version,
        ["leaseClearsByUtc"] = outcome.LeaseClearsByUtc,
        ["reasons"] = outcome.Reasons,
    };
}
