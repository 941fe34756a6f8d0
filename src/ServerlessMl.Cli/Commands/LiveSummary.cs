using System.Globalization;
using ServerlessMl.Monitoring;

namespace ServerlessMl.Cli.Commands;

/// <summary>A live quality run as a few lines per day, for a terminal.</summary>
internal static class LiveSummary
{
    public static IEnumerable<string> Lines(LiveRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Status == LiveRunStatus.Completed && run.Days.Count == 0)
        {
            yield return $"{run.Model}: nothing logged in the window (is Log__SampleRate above 0, and have predictions been served?)";
        }

        foreach (var day in run.Days)
        {
            yield return Header(day);
            foreach (var version in day.Versions)
            {
                yield return "  " + Version(version);
            }

            if (day.Comparison is { } comparison)
            {
                yield return "  " + Comparison(comparison);
            }

            yield return "  " + Drift(day);
        }
    }

    private static string Header(LiveDay day)
    {
        var text = F($"{day.Day:yyyy-MM-dd}: {day.Logged:N0} logged item(s)");
        if (day.DamagedLines > 0)
        {
            text += F($", {day.DamagedLines:N0} damaged log line(s) skipped");
        }

        var f = day.Feedback;
        return f.Received == 0
            ? text
            : text + F($"; feedback {f.Received:N0} received, {f.Matched:N0} matched, {f.UnknownIds:N0} for unknown ids, {f.Repeated:N0} repeated");
    }

    private static string Version(LiveVersion v)
    {
        var text = F($"{v.Role} {v.Version}: served {v.Served:N0}, with truth {v.WithTruth:N0}");
        if (v.WithTruth == 0 || !v.Metrics.TryGetValue(v.PrimaryMetric, out var value))
        {
            return text + ", no truth yet";
        }

        var verdict = v.BelowFloor ? "BELOW the floor" : "meets the floor";
        return text + F($", {v.PrimaryMetric} {value:F4} vs floor {v.Floor:F4}: {verdict}");
    }

    private static string Comparison(LiveComparison c) =>
        c.Rows == 0
            ? F($"comparison: champion {c.Champion} and challenger {c.Challenger} share no item with truth yet")
            : F($"comparison on {c.Rows:N0} item(s): {c.Metric} champion {c.Champion} {c.ChampionValue:F4}, challenger {c.Challenger} {c.ChallengerValue:F4}");

    private static string Drift(LiveDay day)
    {
        var drift = day.Drift;
        if (day.Logged == 0)
        {
            return "drift: nothing logged that day";
        }

        if (drift is null)
        {
            return "drift: no baseline (the champion's training drops changed or are gone; see the log)";
        }

        if (drift.Worst is not { } worst)
        {
            return F($"drift vs {drift.Baseline}: too few items ({drift.Rows:N0}) to measure");
        }

        var drifted = drift.Features.Where(f => f.Drifted).Select(f => f.Feature).ToList();
        var text = F($"drift vs {drift.Baseline}: worst {worst.Feature} {worst.Measure} {worst.Value:F3} vs {worst.Threshold:F3}");
        return drifted.Count == 0 ? text + ", none drifted" : text + ", drifted: " + string.Join(", ", drifted);
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
