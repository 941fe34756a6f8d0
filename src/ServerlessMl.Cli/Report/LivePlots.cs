using ScottPlot;
using ServerlessMl.Monitoring;

namespace ServerlessMl.Cli.Report;

/// <summary>The live section's pictures, drawn as the report's other plots are; each method returns the file name.</summary>
internal static class LivePlots
{
    private const int Width = 800;
    private const int Height = 480;

    /// <summary>Each version's primary metric on the items with truth, day by day, champion and challenger apart; the floor dashed.</summary>
    public static string MetricByDay(string folder, IReadOnlyList<LiveDay> days)
    {
        var plot = new Plot();
        var served = days.SelectMany(d => d.Versions.Where(v => v.Metrics.ContainsKey(v.PrimaryMetric)).Select(v => (d.Day, Version: v)))
            .GroupBy(x => (x.Version.Version, x.Version.Role))
            .OrderBy(g => g.Key.Version, StringComparer.Ordinal);
        string? metric = null;
        foreach (var line in served)
        {
            var points = line.OrderBy(x => x.Day).ToList();
            var scatter = plot.Add.Scatter(points.Select(p => X(p.Day)).ToArray(), points.Select(p => p.Version.Metrics[p.Version.PrimaryMetric]).ToArray());
            scatter.LegendText = $"{line.Key.Version} ({line.Key.Role})";
            scatter.LinePattern = line.Key.Role == "champion" ? LinePattern.Solid : LinePattern.Dotted;
            metric ??= points[0].Version.PrimaryMetric;
        }

        if (days.SelectMany(d => d.Versions).Select(v => v.Floor).FirstOrDefault(f => f is not null) is { } floor)
        {
            var line = plot.Add.HorizontalLine(floor);
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = "gate floor";
        }

        plot.Axes.DateTimeTicksBottom();
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Title($"{metric ?? "primary metric"} on the served items whose truth is known, by day");
        plot.YLabel(metric ?? "metric");
        return Save(plot, folder, "live-metric-by-day.png");
    }

    /// <summary>Each feature's worst day: its measure as a share of its threshold (over 1 is drift), with the day.</summary>
    public static string DriftByFeature(string folder, IReadOnlyList<LiveDay> days)
    {
        var worst = days.Where(d => d.Drift is not null)
            .SelectMany(d => d.Drift!.Features.Where(f => f.Threshold > 0).Select(f => (d.Day, Feature: f, Ratio: f.Value / f.Threshold)))
            .GroupBy(x => x.Feature.Feature, StringComparer.Ordinal)
            .Select(g => g.MaxBy(x => x.Ratio))
            .OrderBy(x => x.Ratio)
            .ToList();
        var plot = new Plot();
        var bars = plot.Add.Bars(worst.Select(x => x.Ratio).ToArray());
        bars.Horizontal = true;
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, worst.Count).Select(i => (double)i)], [.. worst.Select(x => $"{x.Feature.Feature} ({x.Day:MM-dd})")]);
        plot.Add.VerticalLine(1).LinePattern = LinePattern.Dashed;
        plot.Title("Drift per feature on its worst day: measure / threshold");
        plot.XLabel("share of the threshold (over 1 is drift)");
        return Save(plot, folder, "live-drift.png", height: Math.Max(Height, 28 * worst.Count + 120));
    }

    /// <summary>Champion and challenger on the same items with truth, day by day.</summary>
    public static string ChampionAgainstChallenger(string folder, IReadOnlyList<LiveDay> days)
    {
        var compared = days.Where(d => d.Comparison is { ChampionValue: not null, ChallengerValue: not null }).OrderBy(d => d.Day).ToList();
        var plot = new Plot();
        var xs = compared.Select(d => X(d.Day)).ToArray();
        var champion = plot.Add.Scatter(xs, compared.Select(d => d.Comparison!.ChampionValue!.Value).ToArray());
        champion.LegendText = "champion";
        var challenger = plot.Add.Scatter(xs, compared.Select(d => d.Comparison!.ChallengerValue!.Value).ToArray());
        challenger.LegendText = "challenger";
        challenger.LinePattern = LinePattern.Dotted;
        var metric = compared.Count > 0 ? compared[^1].Comparison!.Metric : "metric";
        plot.Axes.DateTimeTicksBottom();
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Title($"Champion against challenger on the same items: {metric}");
        plot.YLabel(metric);
        return Save(plot, folder, "live-champion-vs-challenger.png");
    }

    private static double X(DateOnly day) => day.ToDateTime(TimeOnly.MinValue).ToOADate();

    private static string Save(Plot plot, string folder, string file, int height = Height)
    {
        plot.SavePng(Path.Combine(folder, file), Width, height);
        return file;
    }
}
