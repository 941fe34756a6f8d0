namespace ServerlessMl.Monitoring;

/// <summary>
/// What the live quality job found for one model on one UTC day of served predictions, written to
/// <c>models/&lt;model&gt;/live/YYYY-MM-DD.json</c> and rewritten as more truth arrives. Versions'
/// manifests are never touched.
/// </summary>
/// <param name="Day">The UTC day the predictions were served on.</param>
/// <param name="ComputedUtc">When this was computed.</param>
/// <param name="Logged">Logged items of the day.</param>
/// <param name="Versions">Live metrics of each version that served or shadowed that day, on the items whose truth is known.</param>
/// <param name="Comparison">Champion against challenger on the same items, when a challenger shadowed.</param>
/// <param name="Drift">Each feature of the day's logged items against the serving champion's training data.</param>
/// <param name="Feedback">What the feedback of the day's requests held.</param>
/// <param name="DamagedLines">Lines of the day's prediction log that were not a record: skipped.</param>
internal sealed record LiveDay(
    DateOnly Day,
    DateTimeOffset ComputedUtc,
    long Logged,
    IReadOnlyList<LiveVersion> Versions,
    LiveComparison? Comparison,
    LiveDrift? Drift,
    FeedbackCounts Feedback,
    long DamagedLines = 0);

/// <summary>One version's live metrics for a day.</summary>
/// <param name="Role">"champion" (it answered callers) or "challenger" (it shadowed).</param>
/// <param name="Served">Items it scored that day.</param>
/// <param name="WithTruth">Of those, items whose truth is known: the rows the metrics rest on.</param>
/// <param name="Metrics">The task's metrics (as the gate computes them) on those rows; empty when there are none.</param>
/// <param name="PrimaryMetric">The gate's floor metric and its value, compared with <paramref name="Floor"/>.</param>
/// <param name="BelowFloor">Whether the primary metric is under the gate's floor (with enough rows to say).</param>
internal sealed record LiveVersion(
    string Version,
    string Role,
    long Served,
    long WithTruth,
    IReadOnlyDictionary<string, double> Metrics,
    string PrimaryMetric,
    double? Floor,
    bool BelowFloor);

/// <summary>Champion and challenger on the same items with truth: the comparison metric of each.</summary>
internal sealed record LiveComparison(string Champion, string Challenger, long Rows, string Metric, double? ChampionValue, double? ChallengerValue);

/// <summary>Drift of one day: per measure, its PSI (or share) against the baseline, each with the threshold it is held to.</summary>
/// <param name="Baseline">The champion version whose training data is the baseline.</param>
internal sealed record LiveDrift(string Baseline, long Rows, IReadOnlyList<FeatureDrift> Features)
{
    /// <summary>The worst measure, or null when there is none.</summary>
    public FeatureDrift? Worst => Features.Count == 0 ? null : Features.MaxBy(f => f.Value / f.Threshold);
}

/// <param name="Measure">"psi" for a population stability index, "unseen-token-share" for text.</param>
internal sealed record FeatureDrift(string Feature, string Measure, double Value, double Threshold)
{
    public bool Drifted => Value > Threshold;
}

/// <summary>Feedback of the day: matched to a logged item, for ids never logged (counted, ignored), and repeats (the last wins).</summary>
internal sealed record FeedbackCounts(long Received, long Matched, long UnknownIds, long Repeated);
