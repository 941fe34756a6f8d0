using ServerlessMl.Definitions;

namespace ServerlessMl.Monitoring;

/// <summary>
/// A day's live metrics: for each version that answered (champion) or shadowed (challenger), the
/// task's metrics on its items with truth, through the definition's own metric code, held to the
/// gate's floor; and champion against challenger on the items both scored.
/// </summary>
internal sealed class LiveMetricsCalculator(IModelDefinition definition, GateThresholds gate, int minRows)
{
    public const string Champion = "champion";
    public const string Challenger = "challenger";

    public IReadOnlyList<LiveVersion> Versions(IReadOnlyList<JoinedItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var scored = items.Select(i => (Role: Champion, i.Logged.Version, i.Logged.Score, i.Actual))
            .Concat(items.Where(i => i.Logged.Challenger is not null)
                .Select(i => (Role: Challenger, i.Logged.Challenger!.Version, i.Logged.Challenger.Score, i.Actual)));
        return [.. scored
            .GroupBy(s => (s.Role, s.Version))
            .OrderBy(g => g.Key.Role == Champion ? 0 : 1)
            .ThenBy(g => g.Key.Version, StringComparer.Ordinal)
            .Select(g => Version(g.Key.Version, g.Key.Role, g.Count(), [.. g.Where(s => s.Actual is not null).Select(s => (s.Actual!.Value, s.Score))]))];
    }

    /// <summary>The day's main champion against its main challenger on the items both scored and whose truth is known; null without a challenger.</summary>
    public LiveComparison? Compare(IReadOnlyList<JoinedItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var shadowed = items.Where(i => i.Logged.Challenger is not null).ToList();
        if (shadowed.Count == 0)
        {
            return null;
        }

        var champion = MostCommon(shadowed.Select(i => i.Logged.Version));
        var challenger = MostCommon(shadowed.Select(i => i.Logged.Challenger!.Version));
        var both = shadowed
            .Where(i => i.Actual is not null && i.Logged.Version == champion && i.Logged.Challenger!.Version == challenger)
            .ToList();
        var metric = gate.ComparisonMetric;
        double? Value(Func<JoinedItem, double> score) =>
            both.Count == 0 ? null : definition.MetricsOf(both.Select(i => (i.Actual!.Value, score(i))))[metric];
        return new LiveComparison(champion, challenger, both.Count, metric, Value(i => i.Logged.Score), Value(i => i.Logged.Challenger!.Score));
    }

    private LiveVersion Version(string version, string role, long served, IReadOnlyList<(double Actual, double Score)> withTruth)
    {
        var metrics = withTruth.Count == 0 ? new Dictionary<string, double>() : definition.MetricsOf(withTruth).Values;
        var value = metrics.TryGetValue(gate.FloorMetric, out var v) ? v : double.NaN;
        var below = withTruth.Count >= minRows && !double.IsNaN(value) && LiveScoring.IsWorseThan(gate.FloorMetric, value, gate.Floor);
        return new LiveVersion(version, role, served, withTruth.Count, metrics, gate.FloorMetric, gate.Floor, below);
    }

    internal static string MostCommon(IEnumerable<string> versions) =>
        versions.GroupBy(v => v, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key, StringComparer.Ordinal).First().Key;
}
