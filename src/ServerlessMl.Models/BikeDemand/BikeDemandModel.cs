using ServerlessMl.Definitions;
using System.Globalization;
using Microsoft.ML;

namespace ServerlessMl.Models.BikeDemand;

/// <summary>
/// Hourly bike rental demand (UCI Bike Sharing, Washington D.C.): rentals in an hour from the
/// calendar and the weather.
/// </summary>
public sealed class BikeDemandModel : RegressionModel<BikeHourRow, BikeDemandRequest, BikeFeatures>, IReportGroups<BikeFeatures>, Backtesting.IBacktested
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

    protected override DateOnly? DayOf(BikeHourRow row) =>
        DateOnly.ParseExact(row.Dteday, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    protected override string? KeyOf(BikeHourRow row) => string.Create(CultureInfo.InvariantCulture, $"hour {row.Hr}");

    protected override string? Check(BikeHourRow row)
    {
        if (string.IsNullOrEmpty(row.LastField))
        {
            return $"the row has fewer than {BikeHourRow.Columns.Count} fields";
        }

        if (!string.IsNullOrEmpty(row.ExtraField))
        {
            return $"the row has more than {BikeHourRow.Columns.Count} fields";
        }

        if (!DateOnly.TryParseExact(row.Dteday, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return $"dteday '{row.Dteday}' is not a date in the form yyyy-MM-dd";
        }

        return WholeIn(row.Hr, "hr", 0, 23)
            ?? WholeIn(row.Weathersit, "weathersit", 1, 4)
            ?? WholeIn(row.Holiday, "holiday", 0, 1)
            ?? WholeIn(row.Workingday, "workingday", 0, 1)
            ?? WholeIn(row.Weekday, "weekday", 0, 6)
            ?? WholeIn(row.Season, "season", 1, 4)
            ?? WholeIn(row.Mnth, "mnth", 1, 12)
            ?? UnitInterval(row.Temp, "temp")
            ?? UnitInterval(row.Atemp, "atemp")
            ?? UnitInterval(row.Hum, "hum")
            ?? UnitInterval(row.Windspeed, "windspeed")
            ?? WholeIn(row.Casual, "casual", 0, int.MaxValue)
            ?? WholeIn(row.Registered, "registered", 0, int.MaxValue)
            ?? WholeIn(row.Cnt, "cnt", 0, int.MaxValue)
            ?? (row.Casual + row.Registered != row.Cnt
                ? $"cnt {row.Cnt} is not casual + registered ({row.Casual} + {row.Registered})"
                : null);
    }

    private static string? WholeIn(float value, string column, int min, int max) =>
        float.IsNaN(value) || value != MathF.Floor(value) || value < min || value > max
            ? $"{column} must be a whole number {(max == int.MaxValue ? $"of {min} or more" : $"from {min} to {max.ToString(CultureInfo.InvariantCulture)}")}, got {Describe(value)}"
            : null;

    private static string? UnitInterval(float value, string column) =>
        float.IsNaN(value) || value < 0 || value > 1
            ? $"{column} must be a normalised value from 0 to 1, got {Describe(value)}"
            : null;

    private static string Describe(float value) =>
        float.IsNaN(value) ? "a missing or non-numeric value" : value.ToString(CultureInfo.InvariantCulture);
}
