using ServerlessMl.Definitions;
using System.Globalization;
using Microsoft.ML;

namespace ServerlessMl.Models.BikeDemand;

/// <summary>
/// Hourly bike rental demand (UCI Bike Sharing, Washington D.C.): rentals in an hour from the
/// calendar and the weather.
/// </summary>
public sealed class BikeDemandModel : RegressionModel<BikeHourRow, BikeDemandRequest, BikeFeatures>, IReportGroups<BikeFeatures>, Backtesting.IBacktested,
    IPrecomputed<BikeForecastRow, BikeFeatures>, ILiveTruth<BikeHourRow, BikeDemandRequest>
{
    public const string ModelName = "bike-demand";

    public override string Name => ModelName;

    public IReadOnlyList<Backtesting.IBacktestRecipe> References => [new SeasonalNaiveRecipe(), new MlNetSampleRecipe()];

    public IReadOnlyList<Backtesting.IBacktestRecipe> Candidates => [.. BikeCandidateRecipes.All(this)];

    public IReadOnlyList<(string Name, Func<BikeFeatures, string> Of)> ReportGroups { get; } =
    [
        ("hour of day", f => ((int)f.Hour).ToString("00", CultureInfo.InvariantCulture)),
        ("day type", f => f.Holiday > 0 ? "holiday" : f.BreakDay > 0 ? "break day" : f.WorkingDay > 0 ? "working day" : "weekend"),
    ];

    /// <summary>A spring working-day morning inside the demo's data (2011-01-01 on).</summary>
    public override BikeDemandRequest ExampleRequest => new()
    {
        Timestamp = new DateTimeOffset(2011, 4, 18, 8, 0, 0, TimeSpan.Zero),
        Weather = 1,
        TemperatureC = 16,
        FeelsLikeC = 16,
        Humidity = 55,
        WindSpeedKmh = 12,
    };

    public override string Description => "Hourly bike rentals from calendar and weather (UCI Bike Sharing layout).";

    public override DataFormat Format { get; } = DataFormat.Csv(BikeHourRow.Columns, dayColumn: 1);

    public override IEstimator<ITransformer> CreatePipeline(MLContext ml)
    {
        ArgumentNullException.ThrowIfNull(ml);
        return BikeRecipes.Shipped(ml);
    }

    // The score is log(1 + rentals) (see BikeRecipes), mapped back to rentals.
    protected override double ToLabelUnits(float value) => Math.Max(0, Math.Exp(value) - 1);

    public override BikeFeatures FromRow(BikeHourRow row) =>
        BikeFeaturizer.Featurize(BikeFeaturizer.FromRow(row), (float)Math.Log(1 + row.Cnt));

    public override BikeFeatures FromRequest(BikeDemandRequest request) =>
        BikeFeaturizer.Featurize(BikeFeaturizer.FromRequest(request));

    protected override DateOnly? DayOf(BikeHourRow row) => ParseDay(row.Dteday);

    protected override string? KeyOf(BikeHourRow row) => string.Create(CultureInfo.InvariantCulture, $"hour {row.Hr}");

    protected override string? Check(BikeHourRow row) =>
        BikeRowChecks.Hour(row, BikeHourRow.Columns.Count)
            ?? BikeRowChecks.WholeIn(row.Casual, "casual", 0, int.MaxValue)
            ?? BikeRowChecks.WholeIn(row.Registered, "registered", 0, int.MaxValue)
            ?? BikeRowChecks.WholeIn(row.Cnt, "cnt", 0, int.MaxValue)
            ?? (row.Casual + row.Registered != row.Cnt
                ? $"cnt {row.Cnt} is not casual + registered ({row.Casual} + {row.Registered})"
                : null);

    /// <summary>The hourly records for the next hours, with the weather forecast: <c>hour.csv</c> without its labels.</summary>
    public DataFormat ScoringFormat { get; } = DataFormat.Csv(BikeForecastRow.Columns);

    public string? CheckInput(BikeForecastRow input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return BikeRowChecks.Hour(input, BikeForecastRow.Columns.Count);
    }

    /// <summary>The local hour, <c>yyyy-MM-ddTHH:00</c>: keys sort in time order.</summary>
    public string KeyOf(BikeForecastRow input) => HourKey(BikeFeaturizer.FromFields(input));

    /// <summary>The hour asked about: the daily drop of that day holds its count.</summary>
    public string? TruthKeyOf(BikeDemandRequest request) => HourKey(BikeFeaturizer.FromRequest(request));

    /// <summary>The hour the row counts, in the form of <see cref="TruthKeyOf(BikeDemandRequest)"/>.</summary>
    public string? TruthKeyOf(BikeHourRow row) => HourKey(BikeFeaturizer.FromRow(row));

    private static string HourKey(BikeObservation observation) =>
        observation.LocalHour.ToString("yyyy-MM-dd'T'HH':00'", CultureInfo.InvariantCulture);

    /// <summary>The hour's own day, so a newer forecast of the hour replaces the older one.</summary>
    public DateOnly? DayOf(BikeForecastRow input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ParseDay(input.Dteday);
    }

    public BikeFeatures FromInput(BikeForecastRow input) =>
        BikeFeaturizer.Featurize(BikeFeaturizer.FromFields(input));

    private static DateOnly ParseDay(string dteday) => DateOnly.ParseExact(dteday, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
