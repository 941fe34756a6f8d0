using System.Globalization;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;

namespace ServerlessMl.Training;

/// <summary>Decides whether a candidate may replace the champion.</summary>
internal static class QualityGate
{
    public static GateDecision Decide(QualityMetrics candidate, ChampionComparison? comparison, GateThresholds thresholds, string? comparisonNote = null)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(thresholds);
        var reasons = new List<string>();
        var passed = true;

        var floorMetric = thresholds.FloorMetric;
        var value = candidate[floorMetric];
        var higher = MetricNames.HigherIsBetter(floorMetric);
        if (double.IsNaN(value) || (higher ? value < thresholds.Floor : value > thresholds.Floor))
        {
            passed = false;
            reasons.Add(Format($"{floorMetric} {value:F4} on the held-out rows is {(higher ? "below" : "above")} the floor {thresholds.Floor:F4}"));
        }
        else
        {
            reasons.Add(Format($"{floorMetric} {value:F4} on the held-out rows meets the floor {thresholds.Floor:F4}"));
        }

        if (comparison is not null)
        {
            var metric = thresholds.ComparisonMetric;
            var champion = comparison.Champion[metric];
            var mine = comparison.Candidate[metric];
            var lowerIsBetter = !MetricNames.HigherIsBetter(metric);
            var allowed = lowerIsBetter ? champion * (1 + thresholds.MaxRegression) : champion * (1 - thresholds.MaxRegression);
            var window = Format($"{comparison.Window.Days} day(s) {comparison.Window.FirstDay:yyyy-MM-dd}..{comparison.Window.LastDay:yyyy-MM-dd}, {comparison.Candidate.Rows} rows");
            if (comparison.ServedBy is { Count: > 0 } served && !(served.Count == 1 && served[0] == comparison.ChampionVersion))
            {
                window += $", each day scored by the version serving then ({string.Join(", ", served)})";
            }

            if (double.IsNaN(mine) || double.IsNaN(champion) || (lowerIsBetter ? mine > allowed : mine < allowed))
            {
                passed = false;
                reasons.Add(Format($"{metric} {mine:F4} regresses against champion {comparison.ChampionVersion} ({champion:F4}) on {window}: worse than the allowed {allowed:F4}"));
            }
            else
            {
                reasons.Add(Format($"{metric} {mine:F4} against champion {comparison.ChampionVersion} ({champion:F4}) on {window}: within the allowed {allowed:F4}"));
            }
        }

        // Without a comparison, the note says why there was none; with one, what it rested on.
        if (comparisonNote is not null)
        {
            reasons.Add(comparisonNote);
        }

        return new GateDecision(passed, reasons) { Thresholds = GateSettings.Of(thresholds) };
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
