using ServerlessMl.Definitions;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using ServerlessMl.Backtesting;

namespace ServerlessMl.Models.BikeDemand;

/// <summary>
/// Same hour, same weekday, in the last week before the origin: what demand planners use when
/// they have no model. A model that cannot beat it has learned nothing about the calendar.
/// </summary>
internal sealed class SeasonalNaiveRecipe : IBacktestRecipe
{
    public string Name => "seasonal-naive";

    public string Description => "the count at the same hour and weekday in the last week before the origin";

    public IReadOnlyList<(double Actual, double Predicted)> Forecast(MLContext ml, IReadOnlyList<string> history, IReadOnlyList<string> block)
    {
        // The newest value seen for each (weekday, hour), and each hour's mean as the fallback.
        var last = new Dictionary<(DayOfWeek, int), (DateOnly Day, double Count)>();
        var byHour = new Dictionary<int, (double Sum, int N)>();
        foreach (var (day, hour, count) in Read(ml, history))
        {
            if (!last.TryGetValue((day.DayOfWeek, hour), out var seen) || seen.Day < day)
            {
                last[(day.DayOfWeek, hour)] = (day, count);
            }

            var (sum, n) = byHour.GetValueOrDefault(hour);
            byHour[hour] = (sum + count, n + 1);
        }

        return [.. Read(ml, block).Select(r =>
            (r.Count, last.TryGetValue((r.Day.DayOfWeek, r.Hour), out var seen) ? seen.Count
                : byHour.TryGetValue(r.Hour, out var mean) ? mean.Sum / mean.N : 0))];
    }

    private static IEnumerable<(DateOnly Day, int Hour, double Count)> Read(MLContext ml, IReadOnlyList<string> paths) =>
        ml.Data.CreateEnumerable<BikeHourRow>(BacktestData.Rows(ml, paths), reuseRowObject: true)
            .Select(r => (DateOnly.ParseExact(r.Dteday, "yyyy-MM-dd", CultureInfo.InvariantCulture), (int)r.Hr, (double)r.Cnt));
}

/// <summary>
/// ML.NET's own sample for this data (the "Bike Sharing Demand" sample of dotnet/machinelearning-samples):
/// FastTreeTweedie on the twelve raw columns of hour.csv, count as the label, no feature work.
/// </summary>
internal sealed class MlNetSampleRecipe : IBacktestRecipe
{
    private static readonly string[] RawColumns =
    [
        nameof(BikeHourRow.Season), nameof(BikeHourRow.Yr), nameof(BikeHourRow.Mnth), nameof(BikeHourRow.Hr),
        nameof(BikeHourRow.Holiday), nameof(BikeHourRow.Weekday), nameof(BikeHourRow.Workingday), nameof(BikeHourRow.Weathersit),
        nameof(BikeHourRow.Temp), nameof(BikeHourRow.Atemp), nameof(BikeHourRow.Hum), nameof(BikeHourRow.Windspeed),
    ];

    public string Name => "mlnet-sample";

    public string Description => "ML.NET's sample pipeline: FastTreeTweedie on the 12 raw columns";

    public IReadOnlyList<(double Actual, double Predicted)> Forecast(MLContext ml, IReadOnlyList<string> history, IReadOnlyList<string> block)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var pipeline = ml.Transforms.CopyColumns("Label", nameof(BikeHourRow.Cnt))
            .Append(ml.Transforms.Concatenate("Features", RawColumns))
            .Append(ml.Regression.Trainers.FastTreeTweedie());
        var model = pipeline.Fit(BacktestData.Rows(ml, history));
        return BacktestData.Pairs(model.Transform(BacktestData.Rows(ml, block)), "Label");
    }
}

/// <summary>What the bike references share: the raw daily files as ML.NET rows, and scored rows as (actual, predicted) counts.</summary>
internal static class BacktestData
{
    public static IDataView Rows(MLContext ml, IReadOnlyList<string> paths) =>
        ml.Data.CreateTextLoader<BikeHourRow>(separatorChar: ',', hasHeader: true).Load(new MultiFileSource([.. paths]));

    /// <summary>The named label column against "Score", a count below zero read as zero.</summary>
    public static IReadOnlyList<(double Actual, double Predicted)> Pairs(IDataView scored, string actualColumn)
    {
        var actual = scored.GetColumn<float>(actualColumn).ToArray();
        var predicted = scored.GetColumn<float>("Score").ToArray();
        return [.. actual.Zip(predicted, (a, p) => ((double)a, Math.Max(0, (double)p)))];
    }
}
