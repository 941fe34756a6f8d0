using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ServerlessMl.Monitoring;

/// <summary>
/// One line of the prediction log (<c>prediction-log/&lt;model&gt;/YYYY/MM/DD/HH/&lt;instance&gt;.jsonl</c>):
/// one answered item of a predict request, with what the champion answered and, when a challenger
/// shadows the champion, what it would have answered.
/// </summary>
/// <param name="RequestId">The request's id, as answered in the <c>x-request-id</c> header.</param>
/// <param name="Item">The item's index in a batch request; 0 for a single request.</param>
/// <param name="Time">When the request was answered (UTC).</param>
/// <param name="Version">The champion version that answered.</param>
/// <param name="Input">The request as bound, with text fields kept, hashed or left out per the model's <c>Log__Input</c>; null for none.</param>
/// <param name="Features">The model's features as numbers (a text feature as its length in characters), for drift.</param>
/// <param name="TruthKey">Where a later data row holds the truth (<see cref="Definitions.ILiveTruth{TRow, TRequest}"/>); null for none.</param>
/// <param name="Score">The answer as one number: a regression's prediction, a classifier's probability of the positive class.</param>
/// <param name="Answer">The answer item as the caller got it.</param>
/// <param name="Challenger">The shadow challenger's answer to the same item; null when none scored it.</param>
internal sealed record LoggedPrediction(
    string RequestId,
    int Item,
    DateTimeOffset Time,
    string Version,
    JsonNode? Input,
    IReadOnlyDictionary<string, double> Features,
    string? TruthKey,
    double Score,
    JsonNode? Answer,
    ShadowAnswer? Challenger);

/// <summary>A challenger's answer to a logged item: never returned to the caller.</summary>
internal sealed record ShadowAnswer(string Version, double Score, JsonNode? Answer);

/// <summary>
/// One line of the feedback log (<c>feedback/&lt;model&gt;/YYYY/MM/DD/HH/&lt;instance&gt;.jsonl</c>): the
/// true outcome of a logged request's item, as a caller sent it to the feedback route.
/// </summary>
/// <param name="Actual">The truth as one number: a regression's label, 1 or 0 for a classifier's positive or negative label.</param>
internal sealed record FeedbackRecord(string RequestId, int Item, DateTimeOffset Time, double Actual, string Label);

/// <summary>How the prediction and feedback logs are written: one JSON object per line, camelCase, no indentation.</summary>
internal static class LogJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
