using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessMl.Definitions;

namespace ServerlessMl.Monitoring;

/// <summary>
/// The writer's side of one model's prediction log: turns a pending request into its lines (input
/// per the model's setting, feature measures, truth key, score, answer) and has the shadow
/// challenger, if any, answer each item from the same features.
/// </summary>
internal sealed class PredictionLines<TRequest, TFeatures, TPrediction, TItem>(
    IServedModel<TRequest, TFeatures, TPrediction, TItem> model,
    LoggedInputRecorder<TRequest> inputs,
    JsonSerializerOptions answerJson,
    ShadowChallenger<TFeatures, TPrediction>? challenger)
    where TRequest : class
    where TFeatures : class, new()
    where TPrediction : class, new()
{
    public string Model => model.Name;

    public ShadowChallenger<TFeatures, TPrediction>? Challenger => challenger;

    public IEnumerable<LoggedPrediction> Of(PendingPrediction<TRequest, TFeatures, TPrediction, TItem> pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var shadowing = challenger is not null && challenger.Ready(pending.Version);
        var measures = FeatureMeasures<TFeatures>.Instance;
        for (var i = 0; i < pending.Count; i++)
        {
            var request = pending.Requests[i];
            var item = pending.Items[i];
            yield return new LoggedPrediction(
                pending.RequestId,
                i,
                pending.Time,
                pending.Version,
                inputs.Of(request),
                measures.Of(pending.Features[i]),
                model.TruthKeyOf(request),
                model.ScoreOf(item),
                Json(item),
                shadowing ? Shadow(challenger!, pending.Features[i]) : null);
        }
    }

    private ShadowAnswer? Shadow(ShadowChallenger<TFeatures, TPrediction> shadow, TFeatures features)
    {
        if (shadow.Predict(features) is not { } answer)
        {
            return null;
        }

        var item = model.ToItem(answer.Prediction);
        return new ShadowAnswer(answer.Version, model.ScoreOf(item), Json(item));
    }

    private JsonNode? Json(TItem item) => JsonSerializer.SerializeToNode(item, answerJson);
}
