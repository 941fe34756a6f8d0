using System.Collections.Concurrent;
using Microsoft.ML;
using ServerlessMl.Backtesting;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Testing;
using ServerlessMl.Training;

namespace ServerlessMl.Core.Tests.Backtesting;

/// <summary>The walk-forward contract: a recipe never sees a day at or after its origin, and every block is scored once.</summary>
public sealed class BacktesterTests : IDisposable
{
    private readonly SampleData _data = new(days: 30);

    [Fact]
    public void Each_forecast_trains_only_on_days_before_its_origin_and_scores_the_next_block()
    {
        var files = LocalDataFiles.Open(_data.Folder, _data.Folder, SampleData.Format);
        var files2 = new ModelTrainer(new BikeDemandModel(), new TrainingOptions { MinTrainingDays = 0, HoldoutDays = 0 }).Validate(files);
        var spy = new SpyRecipe();

        var result = Backtester.Run(new BikeDemandModel(), files2, [5], new DateOnly(2011, 1, 11), [spy], parallelism: 2);

        // Origins 01-11, 01-16, 01-21, 01-26; the last block is cut short by the data's end (01-30).
        Assert.Equal(
            ["01-11: 10 before, 01-11..01-15", "01-16: 15 before, 01-16..01-20", "01-21: 20 before, 01-21..01-25", "01-26: 25 before, 01-26..01-30"],
            spy.Calls.Order(StringComparer.Ordinal));
        var run = Assert.Single(result.Runs);
        Assert.Equal(4, run.Origins);
        Assert.Equal(20 * 24, run.Pooled.Rows);
    }

    [Fact]
    public void A_model_without_days_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            Backtester.Run(new ServerlessMl.Models.SmsSpam.SmsSpamModel(), [], [7], null, []));

        Assert.Contains("no time order", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _data.Dispose();

    /// <summary>Records which days each call was given, by the dates in the file names, and predicts 0.</summary>
    private sealed class SpyRecipe : IBacktestRecipe
    {
        public ConcurrentBag<string> Calls { get; } = [];

        public string Name => "spy";

        public string Description => "records its inputs";

        public IReadOnlyList<(double Actual, double Predicted)> Forecast(MLContext ml, IReadOnlyList<string> history, IReadOnlyList<string> block)
        {
            var days = block.Select(p => DateOnly.Parse(Path.GetFileNameWithoutExtension(p), System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
            var seen = history.Select(p => DateOnly.Parse(Path.GetFileNameWithoutExtension(p), System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.All(seen, d => Assert.True(d < days[0], $"history day {d} is not before the block's first day {days[0]}"));
            Calls.Add($"{days[0]:MM-dd}: {seen.Count} before, {days[0]:MM-dd}..{days[^1]:MM-dd}");
            return [.. block.SelectMany(p => File.ReadLines(p).Skip(1)).Select(_ => (1.0, 0.0))];
        }
    }
}
