using System.Text.Json;
using ServerlessMl.Definitions;

namespace ServerlessMl.Monitoring;

/// <summary>
/// The writer's side of one model's prediction log: writes a pending request's lines (input per
/// the model's setting, feature measures, truth key, score, answer) straight as JSON in the shape of
/// <see cref="LoggedPrediction"/>, and has the shadow challenger, if any, answer each item from the
/// same features.
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

    /// <summary>Adds one line per item of <paramref name="pending"/> to <paramref name="blocks"/>; returns the lines too large to write.</summary>
    /// <param name="failures">Where an item whose line the model's own code failed to make is reported, the
    /// other items going on; without it the failure propagates.</param>
    public int Write(PendingPrediction<TRequest, TFeatures, TPrediction, TItem> pending, LogBlocks blocks, List<Exception>? failures = null)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(blocks);
        var shadowing = challenger is not null && challenger.Ready(pending.Version);
        var tooLarge = 0;
        for (var i = 0; i < pending.Count; i++)
        {
            try
            {
                var shadow = shadowing ? Shadow(challenger!, pending.Features(i)) : null;
                WriteLine(blocks.BeginLine(), pending, i, shadow);
                tooLarge += blocks.EndLine(model.Name, pending.Time) ? 0 : 1;
            }
            catch (Exception ex) when (failures is not null)
            {
                // The next BeginLine drops whatever this item left half written.
                failures.Add(ex);
            }
        }

        return tooLarge;
    }

    /// <summary>The line of one item, in the shape of <see cref="LoggedPrediction"/>; <paramref name="shadow"/> is the challenger's answer, if any.</summary>
    internal void WriteLine(Utf8JsonWriter json, PendingPrediction<TRequest, TFeatures, TPrediction, TItem> pending, int index, (string Version, TItem Item)? shadow)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(pending);
        var request = pending.Request(index);
        var features = pending.Features(index);
        var item = pending.Item(index);
        json.WriteStartObject();
        json.WriteString(LogLineNames.RequestId, pending.RequestId);
        json.WriteNumber(LogLineNames.Item, index);
        json.WriteString(LogLineNames.Time, pending.Time);
        json.WriteString(LogLineNames.Version, pending.Version);
        if (inputs.Records)
        {
            json.WritePropertyName(LogLineNames.Input);
            inputs.Write(json, request);
        }

        json.WritePropertyName(LogLineNames.Features);
        FeatureMeasures<TFeatures>.Instance.Write(json, features);
        if (model.TruthKeyOf(request) is { } truthKey)
        {
            json.WriteString(LogLineNames.TruthKey, truthKey);
        }

        WriteAnswer(json, item);
        if (shadow is { } answer)
        {
            json.WriteStartObject(LogLineNames.Challenger);
            json.WriteString(LogLineNames.Version, answer.Version);
            WriteAnswer(json, answer.Item);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private (string Version, TItem Item)? Shadow(ShadowChallenger<TFeatures, TPrediction> shadow, TFeatures features) =>
        shadow.Predict(features) is { } answer ? (answer.Version, model.ToItem(answer.Prediction)) : null;

    /// <summary>The score and the answer item as the caller got it (a null item is left out, as the record's null answer).</summary>
    private void WriteAnswer(Utf8JsonWriter json, TItem item)
    {
        LogNumbers.Write(json, LogLineNames.Score, model.ScoreOf(item));
        if (item is not null)
        {
            json.WritePropertyName(LogLineNames.Answer);
            JsonSerializer.Serialize(json, item, answerJson);
        }
    }
}

/// <summary>The property names of <see cref="LoggedPrediction"/> and <see cref="ShadowAnswer"/> as <see cref="LogJson.Options"/> spells them, encoded once.</summary>
internal static class LogLineNames
{
    public static readonly JsonEncodedText RequestId = JsonEncodedText.Encode("requestId");
    public static readonly JsonEncodedText Item = JsonEncodedText.Encode("item");
    public static readonly JsonEncodedText Time = JsonEncodedText.Encode("time");
    public static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
    public static readonly JsonEncodedText Input = JsonEncodedText.Encode("input");
    public static readonly JsonEncodedText Features = JsonEncodedText.Encode("features");
    public static readonly JsonEncodedText TruthKey = JsonEncodedText.Encode("truthKey");
    public static readonly JsonEncodedText Score = JsonEncodedText.Encode("score");
    public static readonly JsonEncodedText Answer = JsonEncodedText.Encode("answer");
    public static readonly JsonEncodedText Challenger = JsonEncodedText.Encode("challenger");
}
