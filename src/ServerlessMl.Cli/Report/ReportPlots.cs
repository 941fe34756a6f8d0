using ScottPlot;
using ServerlessMl.Reporting;

namespace ServerlessMl.Cli.Report;

/// <summary>The report's pictures, as PNG files in the output folder; each method returns the file name.</summary>
internal static class ReportPlots
{
    private const int Width = 800;
    private const int Height = 480;

    public static string PredictedAgainstActual(string folder, ScoredRows scores, string unit)
    {
        var plot = new Plot();
        var actual = scores.Rows.Select(r => r.Actual).ToArray();
        var predicted = scores.Rows.Select(r => r.Predicted).ToArray();
        var points = plot.Add.ScatterPoints(actual, predicted);
        points.MarkerSize = 3;
        var top = Math.Max(actual.DefaultIfEmpty().Max(), predicted.DefaultIfEmpty().Max());
        var diagonal = plot.Add.Line(0, 0, top, top);
        diagonal.LinePattern = LinePattern.Dashed;
        plot.Title($"Predicted against actual, {scores.Rows.Count:N0} held-out rows");
        plot.XLabel($"actual ({unit})");
        plot.YLabel($"predicted ({unit})");
        return Save(plot, folder, "predicted-vs-actual.png");
    }

    /// <summary>Mean residual (predicted - actual) per value of one report group, with its standard deviation.</summary>
    public static string ResidualsBy(string folder, ScoredRows scores, int group, string unit)
    {
        var name = scores.GroupNames[group];
        var byValue = scores.Rows.GroupBy(r => r.Groups[group]).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var bars = byValue.Select((g, i) =>
        {
            var residuals = g.Select(r => r.Predicted - r.Actual).ToArray();
            var mean = residuals.Average();
            var sd = Math.Sqrt(residuals.Sum(x => (x - mean) * (x - mean)) / Math.Max(1, residuals.Length - 1));
            return new Bar { Position = i, Value = mean, Error = sd };
        }).ToList();
        var plot = new Plot();
        plot.Add.Bars(bars);
        // Many groups (24 hours) leave no room for the row counts under each bar.
        var labels = byValue.Count > 8 ? byValue.Select(g => g.Key) : byValue.Select(g => $"{g.Key} ({g.Count()})");
        plot.Axes.Bottom.SetTicks([.. bars.Select(b => b.Position)], [.. labels]);
        plot.Title($"Residual (predicted - actual) by {name}: mean ± sd");
        plot.XLabel(byValue.Count > 8 ? name : $"{name} (rows)");
        plot.YLabel($"residual ({unit})");
        return Save(plot, folder, $"residuals-by-{Slug(name)}.png");
    }

    public static string Roc(string folder, IReadOnlyList<(double Fpr, double Tpr)> curve, double auc)
    {
        var plot = new Plot();
        plot.Add.Scatter(curve.Select(p => p.Fpr).ToArray(), curve.Select(p => p.Tpr).ToArray()).MarkerSize = 0;
        plot.Add.Line(0, 0, 1, 1).LinePattern = LinePattern.Dashed;
        plot.Title($"ROC on the held-out rows (AUC {auc:F4})");
        plot.XLabel("false positive rate");
        plot.YLabel("true positive rate");
        return Save(plot, folder, "roc.png");
    }

    public static string PrecisionRecall(string folder, IReadOnlyList<(double Recall, double Precision)> curve)
    {
        var plot = new Plot();
        plot.Add.Scatter(curve.Select(p => p.Recall).ToArray(), curve.Select(p => p.Precision).ToArray()).MarkerSize = 0;
        plot.Title("Precision against recall on the held-out rows");
        plot.XLabel("recall");
        plot.YLabel("precision");
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        return Save(plot, folder, "precision-recall.png");
    }

    public static string Importance(string folder, FeatureImportances importance)
    {
        var features = importance.Features.Reverse().ToList();
        var plot = new Plot();
        var bars = plot.Add.Bars(features.Select(f => f.Importance).ToArray());
        bars.Horizontal = true;
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, features.Count).Select(i => (double)i)], [.. features.Select(f => Shorten(f.Feature))]);
        plot.Title("Feature importance");
        plot.XLabel(importance.Measure);
        return Save(plot, folder, "importance.png", height: Math.Max(Height, 28 * features.Count + 120));
    }

    /// <summary>One metric across the model's versions; this version marked.</summary>
    public static string History(string folder, IReadOnlyList<(string Version, double Value)> points, string metric, string version)
    {
        var plot = new Plot();
        var xs = Enumerable.Range(0, points.Count).Select(i => (double)i).ToArray();
        plot.Add.Scatter(xs, points.Select(p => p.Value).ToArray());
        var at = points.ToList().FindIndex(p => p.Version == version);
        if (at >= 0)
        {
            var mark = plot.Add.ScatterPoints(new[] { xs[at] }, new[] { points[at].Value });
            mark.MarkerSize = 12;
        }

        plot.Axes.Bottom.SetTicks(xs, [.. points.Select(p => p.Version)]);
        plot.Title($"{metric} on each version's held-out rows");
        plot.XLabel("version");
        plot.YLabel(metric);
        return Save(plot, folder, "history.png");
    }

    private static string Save(Plot plot, string folder, string file, int height = Height)
    {
        plot.SavePng(Path.Combine(folder, file), Width, height);
        return file;
    }

    private static string Slug(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-'));

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
