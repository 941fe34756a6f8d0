using Microsoft.AspNetCore.Http;
using Microsoft.ML;
using ServerlessMl.Definitions;
using ServerlessMl.Monitoring;
using ServerlessMl.Serving;

namespace ServerlessMl.Http;

/// <summary>One model's predict path: the body bound to its request type, featurized, predicted and answered.</summary>
internal interface IPredictHandler
{
    /// <summary>The model's registered name.</summary>
    string Model { get; }

    /// <summary>The answer, and for a 200 the version and the number of items answered; <paramref name="requestId"/> names it in the prediction log.</summary>
    ValueTask<(IResult Result, string? Version, int Items)> PredictAsync(HttpRequest request, string requestId, CancellationToken cancellationToken);
}

/// <summary>Makes each model's handler with the model's own types.</summary>
internal sealed class PredictHandlers(ModelPool pool, JsonAnswers answers, ServingLimits limits, int retryAfterSeconds, PredictionLogs logs) : IServingVisitor<IPredictHandler>
{
    public IPredictHandler Visit<TRequest, TFeatures, TPrediction, TItem>(IServedModel<TRequest, TFeatures, TPrediction, TItem> model)
        where TRequest : class
        where TFeatures : class, new()
        where TPrediction : class, new() =>
        new PredictHandler<TRequest, TFeatures, TPrediction, TItem>(model, pool, answers, limits, retryAfterSeconds, logs.For(model));
}

/// <summary>The predict path of one model, typed from the request to the answer.</summary>
internal sealed class PredictHandler<TRequest, TFeatures, TPrediction, TItem>(
    IServedModel<TRequest, TFeatures, TPrediction, TItem> model,
    ModelPool pool,
    JsonAnswers answers,
    ServingLimits limits,
    int retryAfterSeconds,
    ModelLog<TRequest, TFeatures, TPrediction, TItem> log) : IPredictHandler
    where TRequest : class
    where TFeatures : class, new()
    where TPrediction : class, new()
{
    public string Model => model.Name;

    /// <remarks>A ValueTask: it nearly always completes at once, and a Task of this tuple would be a new object per request.</remarks>
    public async ValueTask<(IResult Result, string? Version, int Items)> PredictAsync(HttpRequest request, string requestId, CancellationToken cancellationToken)
    {
        // A first load overlaps with reading the body.
        pool.BeginLoad(model.Name);
        var bound = await RequestBinder.ReadAsync<TRequest>(request, limits.MaxBodyBytes, limits.MaxBatch, limits.MaxTextLength, cancellationToken);
        if (bound.Problem is not null)
        {
            return (bound.Problem, null, 0);
        }

        EngineLease lease;
        try
        {
            lease = await pool.RentAsync(model.Name, cancellationToken);
        }
        catch (ModelUnavailableException ex)
        {
            return (Problems.Unavailable(ex.Message, retryAfterSeconds), null, 0);
        }

        using (lease)
        {
            var engine = (PredictionEngine<TFeatures, TPrediction>)lease.Engine;
            var version = lease.Generation.Version;
            var requests = bound.Requests;
            var sampled = log.Sampled();
            if (!bound.Batch)
            {
                var input = model.FromRequest(requests[0]);
                var item = model.ToItem(engine.Predict(input));
                if (sampled)
                {
                    // The features are kept only for a sampled request: the log measures what the model saw.
                    log.Add(requestId, version, requests[0], input, item);
                }

                return (answers.Ok(model.Answer(version, item)), version, 1);
            }

            var features = sampled ? new TFeatures[requests.Length] : null;
            var items = new TItem[requests.Length];
            for (var i = 0; i < requests.Length; i++)
            {
                var input = model.FromRequest(requests[i]);
                items[i] = model.ToItem(engine.Predict(input));
                if (features is not null)
                {
                    features[i] = input;
                }
            }

            if (features is not null)
            {
                log.Add(requestId, version, requests, features, items);
            }

            return (answers.Ok(model.Answer(version, items)), version, items.Length);
        }
    }
}
