using System.Text.Json.Nodes;

namespace ServerlessMl.Monitoring;

/// <summary>
/// A day's drift against a baseline: each measure's PSI held to the drift threshold, and, where the
/// log kept the text itself, each text feature's share of unseen tokens held to its own threshold.
/// Fewer logged items than <see cref="ModelMonitoring.MinRows"/> give no figures: too few to tell drift from chance.
/// </summary>
internal sealed class DriftCalculator(DriftBaseline baseline, ModelMonitoring settings)
{
    public const string PsiMeasure = "psi";
    public const string UnseenTokens = "unseen-token-share";

    public LiveDrift Measure(IReadOnlyList<LoggedPrediction> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count < settings.MinRows)
        {
            return new LiveDrift(baseline.Version, items.Count, []);
        }

        var features = new List<FeatureDrift>();
        foreach (var bins in baseline.Measures)
        {
            var psi = Psi.Of(bins, items.Select(i => i.Features.TryGetValue(bins.Name, out var v) ? v : double.NaN));
            if (!double.IsNaN(psi))
            {
                features.Add(new FeatureDrift(bins.Name, PsiMeasure, psi, settings.DriftThreshold));
            }
        }

        if (settings.Input == Definitions.LoggedInput.Text)
        {
            foreach (var (name, vocabulary) in baseline.Vocabularies)
            {
                var known = vocabulary.ToHashSet(StringComparer.Ordinal);
                var share = TextTokens.UnseenShare(items.Select(i => TextOf(i.Input, name)), known);
                if (!double.IsNaN(share))
                {
                    features.Add(new FeatureDrift(name, UnseenTokens, share, settings.UnseenTokenThreshold));
                }
            }
        }

        return new LiveDrift(baseline.Version, items.Count, features);
    }

    /// <summary>The request's text field of that name; null when absent or when it holds a hash rather than the text.</summary>
    private static string? TextOf(JsonNode? input, string name)
    {
        if (input is not JsonObject fields)
        {
            return null;
        }

        var value = fields.FirstOrDefault(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        return value is JsonValue text && text.TryGetValue<string>(out var s) && !LooksHashed(s) ? s : null;
    }

    // Lines written while the model logged hashes are not text: their hex would all read as new words.
    private static bool LooksHashed(string value) =>
        value.Length == HashedText.Length
        && value.StartsWith(HashedText.Prefix, StringComparison.Ordinal)
        && value.AsSpan(HashedText.Prefix.Length).ContainsAnyExcept("0123456789abcdef") == false;
}
