using ScottPlot;
using ServerlessMl.Backtesting;
using ServerlessMl.Definitions;

namespace ServerlessMl.Cli.Report;

/// <summary>The backtest's pictures: RMSE by block for every recipe and cadence, and the worst blocks hour by hour.</summary>
internal static class BacktestPlots
{
    /// <summary>Writes <paramref name="path"/> (error by block) and its "-worst" sibling; returns both paths.</summary>
    public static (string ErrorByBlock, string Worst) Write(BacktestResult result, string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var worst = Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full) + "-worst" + Path.GetExtension(full));
        ErrorByBlock(result).SavePng(full, 1200, 520);
        WorstBlocks(result).SavePng(worst, 1200, 520);
        return (full, worst);
    }

    private static Plot ErrorByBlock(BacktestResult result)
    {
        var plot = new Plot();
        foreach (var run in result.Runs)
        {
            var xs = run.Blocks.Select(b => b.From.ToDateTime(TimeOnly.MinValue).ToOADate()).ToArray();
            var ys = run.Blocks.Select(b => b.Metrics[MetricNames.Rmse]).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = $"{run.Recipe}, every {run.EveryDays}d (pooled {run.Pooled[MetricNames.Rmse]:F1})";
            line.MarkerSize = run.EveryDays > 7 ? 6 : 3;
        }

        plot.Axes.DateTimeTicksBottom();
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Title($"{result.Model}: RMSE of each block, retrained at its origin");
        plot.YLabel("RMSE (label units)");
        return plot;
    }

    /// <summary>The first recipe's three worst blocks at its shortest cadence, actual and predicted row by row.</summary>
    private static Plot WorstBlocks(BacktestResult result)
    {
        var plot = new Plot();
        var run = result.Runs.Where(r => r.Recipe == result.Runs[0].Recipe).MinBy(r => r.EveryDays)!;
        var offset = 0;
        foreach (var block in run.Blocks.OrderByDescending(b => b.Metrics[MetricNames.Rmse]).Take(3).OrderBy(b => b.From))
        {
            var xs = Enumerable.Range(offset, block.Pairs.Count).Select(i => (double)i).ToArray();
            var actual = plot.Add.Scatter(xs, block.Pairs.Select(p => p.Actual).ToArray());
            actual.MarkerSize = 0;
            actual.Color = Colors.Black;
            actual.LegendText = offset == 0 ? "actual" : string.Empty;
            var predicted = plot.Add.Scatter(xs, block.Pairs.Select(p => p.Predicted).ToArray());
            predicted.MarkerSize = 0;
            predicted.Color = Colors.OrangeRed;
            predicted.LegendText = offset == 0 ? $"predicted ({run.Recipe})" : string.Empty;
            var label = plot.Add.Text($"{block.From:yyyy-MM-dd} (RMSE {block.Metrics[MetricNames.Rmse]:F1})", offset, block.Pairs.Max(p => Math.Max(p.Actual, p.Predicted)));
            label.LabelFontSize = 12;
            offset += block.Pairs.Count + 24;
        }

        plot.ShowLegend(Alignment.UpperRight);
        plot.Title($"{result.Model}: the worst blocks of '{run.Recipe}' retrained every {run.EveryDays}d, row by row");
        plot.XLabel("row (hours, blocks side by side)");
        plot.YLabel("label units");
        return plot;
    }
}
