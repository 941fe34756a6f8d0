using System.Collections.Concurrent;
using Microsoft.ML;
using ServerlessMl.Definitions;
using ServerlessMl.Training;

namespace ServerlessMl.Backtesting;

/// <summary>
/// Rolling-origin walk-forward evaluation of a model with time-ordered daily data: at each origin,
/// every recipe is trained on all days before it (as the retrain job would be) and scored on the
/// next block of days. Several cadences in one run answer "how often to retrain". Metrics are
/// pooled over every scored row, per block, and for the worst tenth of blocks by RMSE.
/// </summary>
internal static class Backtester
{
    /// <summary>Six months of history before the first origin, unless told otherwise.</summary>
    public const int DefaultWarmUpDays = 182;

    /// <exception cref="InvalidOperationException">The model's data has no time order, or there is no origin to forecast from.</exception>
    public static BacktestResult Run(
        IModelDefinition definition,
        IReadOnlyList<DataFile> files,
        IReadOnlyList<int> everyDays,
        DateOnly? from,
        IReadOnlyList<IBacktestRecipe> recipes,
        IProgress<string>? progress = null,
        int parallelism = 2)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(everyDays);
        ArgumentNullException.ThrowIfNull(recipes);
        if (definition.Split is not NewestDaysSplit)
        {
            throw new InvalidOperationException($"{definition.Name} has no time order (its held-out rows are a hashed share of every drop), so a walk-forward backtest means nothing for it; compare its recipes on seeded random splits instead.");
        }

        var days = files.OrderBy(f => f.Day).ToList();
        var work = Origins(days, everyDays, from).SelectMany(o => recipes.Select(r => (Recipe: r, o.Every, o.Origin))).ToList();
        if (work.Count == 0)
        {
            throw new InvalidOperationException(days.Count == 0
                ? "no data files to backtest on"
                : $"no origin from {from ?? days[0].Day.AddDays(DefaultWarmUpDays):yyyy-MM-dd} to {days[^1].Day:yyyy-MM-dd} has days before it to train on");
        }

        var blocks = new ConcurrentDictionary<(string Recipe, int Every, DateOnly Origin), (DateOnly To, List<(double, double)> Pairs)>();
        Parallel.ForEach(work, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) }, item =>
        {
            var end = item.Origin.AddDays(item.Every);
            var history = days.Where(d => d.Day < item.Origin).Select(d => d.LocalPath).ToList();
            var block = days.Where(d => d.Day >= item.Origin && d.Day < end).ToList();
            if (block.Count > 0)
            {
                var pairs = item.Recipe.Forecast(new MLContext(seed: 1), history, [.. block.Select(d => d.LocalPath)]);
                blocks[(item.Recipe.Name, item.Every, item.Origin)] = (block[^1].Day, [.. pairs]);
            }

            progress?.Report($"{item.Recipe.Name} every {item.Every}d from {item.Origin:yyyy-MM-dd}");
        });

        var runs = Pool(blocks, recipes, everyDays);
        return new BacktestResult(definition.Name, days[0].Day, days[^1].Day, work.Min(w => w.Origin), days.Sum(d => d.Rows), runs);
    }

    /// <summary>Each recipe and cadence's blocks pooled: over every scored row, per block, and over the worst tenth by RMSE.</summary>
    private static List<BacktestRun> Pool(
        ConcurrentDictionary<(string Recipe, int Every, DateOnly Origin), (DateOnly To, List<(double, double)> Pairs)> blocks,
        IReadOnlyList<IBacktestRecipe> recipes,
        IReadOnlyList<int> everyDays)
    {
        var runs = new List<BacktestRun>();
        foreach (var recipe in recipes)
        {
            foreach (var every in everyDays.Distinct())
            {
                var mine = blocks.Where(b => b.Key.Recipe == recipe.Name && b.Key.Every == every).OrderBy(b => b.Key.Origin).ToList();
                var perBlock = mine.Select(b => new BacktestBlock(b.Key.Origin, b.Value.To, RegressionMetrics.From(b.Value.Pairs)) { Pairs = b.Value.Pairs }).ToList();
                var worstCount = Math.Max(1, (int)Math.Ceiling(perBlock.Count / 10.0));
                var worst = perBlock.OrderByDescending(b => b.Metrics[MetricNames.Rmse]).Take(worstCount).ToList();
                runs.Add(new BacktestRun(
                    recipe.Name,
                    recipe.Description,
                    every,
                    perBlock.Count,
                    RegressionMetrics.From(mine.SelectMany(b => b.Value.Pairs)),
                    RegressionMetrics.From(mine.Where(b => worst.Any(w => w.From == b.Key.Origin)).SelectMany(b => b.Value.Pairs)),
                    worst,
                    perBlock));
            }
        }

        return runs;
    }

    /// <summary>How many fits a run will make (one per recipe and origin): a progress bar's total.</summary>
    public static int Fits(IReadOnlyList<DataFile> files, IReadOnlyList<int> everyDays, DateOnly? from, int recipes) =>
        Origins([.. files.OrderBy(f => f.Day)], everyDays, from).Count() * recipes;

    /// <summary>Every (cadence, origin) with days before it to train on, from <paramref name="from"/> (default: six months in) to the last day.</summary>
    private static IEnumerable<(int Every, DateOnly Origin)> Origins(List<DataFile> days, IReadOnlyList<int> everyDays, DateOnly? from)
    {
        if (days.Count == 0)
        {
            yield break;
        }

        var first = from ?? days[0].Day.AddDays(DefaultWarmUpDays);
        foreach (var every in everyDays.Distinct())
        {
            for (var origin = first; origin <= days[^1].Day; origin = origin.AddDays(every))
            {
                if (days[0].Day < origin)
                {
                    yield return (every, origin);
                }
            }
        }
    }
}

/// <summary>One scored block: its first and last day, and the metrics on its rows.</summary>
internal sealed record BacktestBlock(DateOnly From, DateOnly To, QualityMetrics Metrics)
{
    /// <summary>(actual, predicted) for each row of the block, in file order: for plots, not in the JSON.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<(double Actual, double Predicted)> Pairs { get; init; } = [];
}

/// <summary>One recipe at one cadence: metrics pooled over every scored row, over the worst tenth of blocks, and per block.</summary>
internal sealed record BacktestRun(
    string Recipe,
    string Description,
    int EveryDays,
    int Origins,
    QualityMetrics Pooled,
    QualityMetrics PooledWorstTenth,
    IReadOnlyList<BacktestBlock> Worst,
    IReadOnlyList<BacktestBlock> Blocks);

internal sealed record BacktestResult(string Model, DateOnly FirstDay, DateOnly LastDay, DateOnly FirstOrigin, long Rows, IReadOnlyList<BacktestRun> Runs);
