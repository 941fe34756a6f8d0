using System.Globalization;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;
using ServerlessMl.Scoring;
using ServerlessMl.Serving;
using ServerlessMl.Storage;

namespace ServerlessMl.Http;

/// <summary>
/// The precompute routes: POST /api/models/{model}/score (admin) runs the scoring job now;
/// GET /api/models/{model}/predictions/{key} (function key) reads one stored prediction, and
/// GET /api/models/{model}/predictions?from=…&amp;to=… a page of them, for models whose keys are timestamps.
/// </summary>
public sealed class ScoringEndpoint
{
    /// <summary>Widest range one request may read, in days.</summary>
    internal const int MaxRangeDays = 31;

    internal const int MaxPageSize = 1000;

    private readonly ModelCatalog catalog;
    private readonly ScoringJob job;
    private readonly PredictionTable table;
    private readonly StorageOptions storage;
    private readonly IOptions<ServingOptions> options;

    internal ScoringEndpoint(ModelCatalog catalog, ScoringJob job, PredictionTable table, StorageOptions storage, IOptions<ServingOptions> options)
    {
        this.catalog = catalog;
        this.job = job;
        this.table = table;
        this.storage = storage;
        this.options = options;
    }

    /// <summary>Runs the job for the model now; the run goes on if the caller leaves, and logs its outcome.</summary>
    public async Task<IResult> ScoreAsync(string model, CancellationToken cancellationToken)
    {
        if (Refusal(model, out var definition) is { } refusal)
        {
            return refusal;
        }

        var run = Task.Run(() => job.RunAsync(definition.Name, "admin request", CancellationToken.None), CancellationToken.None);
        ScoringRun outcome;
        try
        {
            outcome = await run.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Results.Empty;
        }

        return outcome switch
        {
            { Status: ScoringStatus.Busy } => Problems.Conflict(string.Join(" ", outcome.Reasons)),
            { Status: ScoringStatus.Failed, StorageFailed: true } => Problems.Unavailable(string.Join(" ", outcome.Reasons), options.Value.RetryAfterSeconds),
            { Status: ScoringStatus.Failed } => Problems.Conflict(string.Join(" ", outcome.Reasons)),
            _ => Results.Json(outcome, RegistryJson.Options),
        };
    }

    /// <summary>The stored prediction of one key: in the partition the key or <c>?day=</c> names, else the newest in any of the model's.</summary>
    public async Task<IResult> GetAsync(HttpRequest request, string model, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Refusal(model, out var definition) is { } refusal)
        {
            return refusal;
        }

        if (PredictionTable.KeyProblem(key) is { } problem)
        {
            return Problems.BadRequest($"Key: {problem}.");
        }

        // The partition is known when the caller names it, or when the model stores rows under
        // their own day and the key starts with it; otherwise the key may be in any of the model's.
        DateOnly? day = null;
        if (request.Query.TryGetValue("day", out var dayText))
        {
            if (!DateOnly.TryParseExact(dayText.ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var given))
            {
                return Problems.BadRequest($"Query parameter 'day' must be a date in the form yyyy-MM-dd, got '{dayText}'.");
            }

            day = given;
        }
        else if (job.ScorerOf(definition.Name).RowsHaveDays)
        {
            day = PredictionTable.DayIn(key);
        }

        return await WithinDeadlineAsync(
            async token =>
            {
                var entity = day is { } d
                    ? await table.GetAsync(definition.Name, d, key, token)
                    : await table.FindAsync(definition.Name, key, token);

                return entity is null
                    ? Problems.NotFound($"No stored prediction of {definition.Name} for key '{key}'.")
                    : Results.Json(Body(definition.Name, entity), RegistryJson.Options);
            },
            cancellationToken);
    }

    /// <summary>A page of stored predictions with keys from <c>from</c> to <c>to</c> (timestamps), oldest first.</summary>
    public async Task<IResult> ListAsync(HttpRequest request, string model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Refusal(model, out var definition) is { } refusal)
        {
            return refusal;
        }

        if (!job.ScorerOf(definition.Name).RowsHaveDays)
        {
            return Problems.BadRequest($"{definition.Name}'s keys are not timestamps, so they have no range: read one key at /api/models/{definition.Name}/predictions/{{key}}.");
        }

        var range = RangeQuery.Parse(request.Query, MaxRangeDays, MaxPageSize);
        if (range.Problem is { } problem)
        {
            return Problems.BadRequest(problem);
        }

        return await WithinDeadlineAsync(
            async token =>
            {
                try
                {
                    var (entities, next) = await table.RangeAsync(definition.Name, range.From, range.To, range.PageSize, range.Continuation, token);
                    return Results.Json(
                        new { model = definition.Name, from = request.Query["from"].ToString(), to = request.Query["to"].ToString(), predictions = entities.Select(e => Body(definition.Name, e)), continuation = next },
                        RegistryJson.Options);
                }
                catch (FormatException ex)
                {
                    return Problems.BadRequest(ex.Message);
                }
            },
            cancellationToken);
    }

    private IResult? Refusal(string model, out IModelDefinition definition)
    {
        if (!catalog.TryGet(model, out definition!))
        {
            return Problems.UnknownModel(model, catalog);
        }

        return job.Precomputes(definition.Name)
            ? null
            : Problems.NotFound($"{definition.Name} is not precomputed (its definition does not implement IPrecomputed). Precomputed: {string.Join(", ", job.Models)}.");
    }

    private async Task<IResult> WithinDeadlineAsync(Func<CancellationToken, Task<IResult>> read, CancellationToken cancellationToken)
    {
        try
        {
            using var deadline = storage.Deadline(cancellationToken);
            return await read(deadline.Token);
        }
        catch (Exception ex) when (StorageFailure.Is(ex) && !cancellationToken.IsCancellationRequested)
        {
            return Problems.StorageUnavailable(ex, options.Value.RetryAfterSeconds);
        }
    }

    private Dictionary<string, object?> Body(string model, TableEntity entity)
    {
        var body = new Dictionary<string, object?>
        {
            ["model"] = model,
            ["key"] = entity.GetString(PredictionTable.KeyProperty),
            ["version"] = entity.GetString(PredictionTable.VersionProperty),
            ["scoredAt"] = entity.GetDateTimeOffset(PredictionTable.ScoredAtProperty),
            ["day"] = entity.PartitionKey[(model.Length + 1)..],
        };
        foreach (var field in job.ScorerOf(model).FieldNames)
        {
            body[field] = entity.TryGetValue(field, out var value) ? value : null;
        }

        body["drop"] = entity.GetString(PredictionTable.DropProperty);
        body["row"] = entity.GetInt64(PredictionTable.RowProperty);
        return body;
    }
}
