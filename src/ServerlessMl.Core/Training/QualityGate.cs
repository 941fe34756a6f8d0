using System.Globalization;
using ServerlessMl.Models;
using ServerlessMl.Registry;

namespace ServerlessMl.Training;

/// <summary>Decides whether a candidate may replace the champion.</summary>
public static class QualityGate
{
    public static GateDecision Decide(QualityMetrics candidate, ChampionComparison? comparison, GateThresholds thresholds, string? comparisonNote = null)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(thresholds);
        var reasons = new List<string>();
        var passed = true;

        if (double.IsNaN(candidate.RSquared) || candidate.RSquared < thresholds.MinRSquared)
        {
            passed = false;
            reasons.Add(Format($"R² {candidate.RSquared:F4} on the held-out days is below the floor {thresholds.MinRSquared:F4}"));
        }
        else
        {
            reasons.Add(Format($"R² {candidate.RSquared:F4} on the held-out days meets the floor {thresholds.MinRSquared:F4}"));
        }

        if (comparison is not null)
        {
            var allowed = comparison.Champion.Rmse * (1 + thresholds.MaxRmseRegression);
            var window = Format($"{comparison.Window.Days} day(s) {comparison.Window.FirstDay:yyyy-MM-dd}..{comparison.Window.LastDay:yyyy-MM-dd}");
            if (double.IsNaN(comparison.Candidate.Rmse) || comparison.Candidate.Rmse > allowed)
            {
                passed = false;
                reasons.Add(Format($"RMSE {comparison.Candidate.Rmse:F2} regresses against champion {comparison.ChampionVersion} ({comparison.Champion.Rmse:F2}) on {window}: more than the allowed {allowed:F2}"));
            }
            else
            {
                reasons.Add(Format($"RMSE {comparison.Candidate.Rmse:F2} against champion {comparison.ChampionVersion} ({comparison.Champion.Rmse:F2}) on {window}: within the allowed {allowed:F2}"));
            }
        }
        else if (comparisonNote is not null)
        {
            reasons.Add(comparisonNote);
        }

        return new GateDecision(passed, reasons);
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
