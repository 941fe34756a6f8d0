using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.ML;
using ServerlessMl.Backtesting;
using ServerlessMl.Definitions;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Registry;
using ServerlessMl.Testing;
using ServerlessMl.Training;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// <c>gate-backtest [recipe ...]</c>: how often the champion comparison of the retrain gate
/// decides wrongly, replayed over ../shared's bike history. At every weekly origin each recipe is
/// trained on the days before it (as a champion or a candidate would be); for every ordered pair
/// of recipes (champion, candidate) the gate's own rule (<see cref="QualityGate"/>, the bike
/// model's default thresholds) judges the candidate on the first 1 or 7 days after the origin,
/// the new data a retrain compares on, and the truth is which of the two models scores the
/// better RMSE on the 28 days after those 7. The recipes differ, as they do when a release
/// changes the recipe: with an unchanged one the retrain job knows the comparison would tie and
/// skips it. A wrong rejection turns away a candidate that was
/// better; a wrong acceptance lets through one that was more than the tolerance worse.
/// </summary>
internal static class GateBacktest
{
    private const int TruthDays = 28;
    private const int GapDays = 7;

    public static int Run(IReadOnlyList<string> args)
    {
        if (!File.Exists(RepoPaths.BikeHourTrain))
        {
            Console.Error.WriteLine($"The bike data is not at {RepoPaths.BikeHourTrain} (it lives in ../shared).");
            return 2;
        }

        var definition = new BikeDemandModel();
        var names = args.Count > 0 ? args : ["shipped", "lgbm-calendar", "mlnet-sample"];
        var known = PipelineRecipe.Of(definition).Known.ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);
        var recipes = names.Select(n => known[n]).ToList();

        var scratch = Path.Combine(Path.GetTempPath(), "serverless-ml-gate-backtest", Guid.NewGuid().ToString("N"));
        try
        {
            var trainer = new ModelTrainer(definition, new TrainingOptions { MinTrainingDays = 0, HoldoutDays = 0 });
            var days = trainer.Validate(LocalDataFiles.SplitByDay(RepoPaths.BikeHourTrain, scratch, definition.Format)).OrderBy(d => d.Day).ToList();
            var origins = new List<int>();
            for (var i = Backtester.DefaultWarmUpDays; i + GapDays + TruthDays <= days.Count; i += 7)
            {
                origins.Add(i);
            }

            // Every recipe's forecast of the 35 days after each origin, by day.
            var forecasts = new ConcurrentDictionary<(string Recipe, int Origin), List<(double, double)>[]>();
            var work = origins.SelectMany(o => recipes.Select(r => (Recipe: r, Origin: o))).ToList();
            var done = 0;
            Parallel.ForEach(work, new ParallelOptions { MaxDegreeOfParallelism = 2 }, item =>
            {
                var history = days.Take(item.Origin).Select(d => d.LocalPath).ToList();
                var block = days.Skip(item.Origin).Take(GapDays + TruthDays).ToList();
                var pairs = item.Recipe.Forecast(new MLContext(seed: 1), history, [.. block.Select(d => d.LocalPath)]);
                var byDay = new List<(double, double)>[block.Count];
                var at = 0;
                for (var d = 0; d < block.Count; d++)
                {
                    byDay[d] = [.. pairs.Skip(at).Take((int)block[d].Rows)];
                    at += (int)block[d].Rows;
                }

                forecasts[(item.Recipe.Name, item.Origin)] = byDay;
                Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\r{Interlocked.Increment(ref done)}/{work.Count} fits"));
            });
            Console.Error.WriteLine();

            var gate = definition.DefaultGate;
            var thresholds = new GateThresholds { FloorMetric = gate.FloorMetric, Floor = double.MinValue, ComparisonMetric = gate.ComparisonMetric, MaxRegression = gate.MaxRegression };
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{origins.Count} weekly origins from {days[origins[0]].Day:yyyy-MM-dd}; recipes {string.Join(", ", names)}; truth: RMSE on days {GapDays + 1}-{GapDays + TruthDays} after the origin; tolerance {gate.MaxRegression:P0}"));
            Console.WriteLine("| new days compared on | rows | decisions | candidate in fact better | wrongly rejected | candidate in fact worse by > tolerance | wrongly accepted |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var newDays in new[] { 1, 3, 7 })
            {
                var tally = Tally(recipes, origins, forecasts, newDays, thresholds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {newDays} | {tally.Rows:F0} | {tally.Decisions} | {tally.Better} | {tally.WronglyRejected} ({Rate(tally.WronglyRejected, tally.Better)}) | {tally.Worse} | {tally.WronglyAccepted} ({Rate(tally.WronglyAccepted, tally.Worse)}) |"));
            }

            return 0;
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    private static Outcomes Tally(
        IReadOnlyList<IBacktestRecipe> recipes, IReadOnlyList<int> origins,
        ConcurrentDictionary<(string Recipe, int Origin), List<(double, double)>[]> forecasts, int newDays, GateThresholds thresholds)
    {
        var tally = new Outcomes();
        var window = new DayRange(DateOnly.MinValue, DateOnly.MinValue.AddDays(newDays - 1), newDays);
        foreach (var origin in origins)
        {
            foreach (var champion in recipes)
            {
                foreach (var candidate in recipes.Where(r => r != champion))
                {
                    var mine = forecasts[(candidate.Name, origin)];
                    var theirs = forecasts[(champion.Name, origin)];
                    var comparison = new ChampionComparison("champion", window, Score(mine, 0, newDays), Score(theirs, 0, newDays));
                    var accepted = QualityGate.Decide(comparison.Candidate, comparison, thresholds).Passed;
                    var truthMine = Score(mine, GapDays, TruthDays)[MetricNames.Rmse];
                    var truthTheirs = Score(theirs, GapDays, TruthDays)[MetricNames.Rmse];
                    tally.Decisions++;
                    tally.Rows += comparison.Candidate.Rows / (double)(origins.Count * recipes.Count * (recipes.Count - 1));
                    if (truthMine < truthTheirs)
                    {
                        tally.Better++;
                        tally.WronglyRejected += accepted ? 0 : 1;
                    }

                    if (truthMine > truthTheirs * (1 + thresholds.MaxRegression))
                    {
                        tally.Worse++;
                        tally.WronglyAccepted += accepted ? 1 : 0;
                    }
                }
            }
        }

        return tally;
    }

    private static QualityMetrics Score(List<(double, double)>[] byDay, int from, int count) =>
        RegressionMetrics.From(byDay.Skip(from).Take(count).SelectMany(d => d));

    private static string Rate(int part, int whole) =>
        whole == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * part / whole:F0} %");

    private sealed class Outcomes
    {
        public int Decisions { get; set; }

        public double Rows { get; set; }

        public int Better { get; set; }

        public int WronglyRejected { get; set; }

        public int Worse { get; set; }

        public int WronglyAccepted { get; set; }
    }
}
