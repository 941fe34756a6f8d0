using ServerlessMl.Definitions;
using ServerlessMl.Backtesting;

namespace ServerlessMl.Models.BikeDemand;

/// <summary>
/// The candidates the shipped recipe was chosen among (docs/benchmarks.md, "Backtest of the bike
/// recipes"): backtest only, kept so every row of that table can be run again.
/// </summary>
internal static class BikeCandidateRecipes
{
    // The calendar's working day and holiday, with the commute-day hour profile beside them.
    private static readonly string[] CommuteColumns =
    [
        nameof(BikeFeatures.Hour), nameof(BikeFeatures.DayOfWeek), nameof(BikeFeatures.WorkingDay), nameof(BikeFeatures.Holiday),
        nameof(BikeFeatures.Month), nameof(BikeFeatures.Year), nameof(BikeFeatures.Weather), nameof(BikeFeatures.TemperatureC),
        nameof(BikeFeatures.FeelsLikeC), nameof(BikeFeatures.Humidity), nameof(BikeFeatures.WindSpeedKmh),
        nameof(BikeFeatures.HourOfCommuteType), nameof(BikeFeatures.CommuteDay),
    ];

    public static IEnumerable<IBacktestRecipe> All(BikeDemandModel model)
    {
        yield return new PipelineRecipe(model, "features-tweedie", "FastTreeTweedie with ML.NET's defaults on counts, the calendar's working days", ml =>
            BikeRecipes.TweedieOnCounts(ml, BikeFeatures.CalendarColumns, BikeRecipes.TweedieDefaults()));
        yield return Lgbm(model, "lgbm-calendar", "the recipe shipped before break days: LightGBM 200 x 16 on log(1 + rentals), the calendar's working days", BikeFeatures.CalendarColumns);
        yield return Lgbm(model, "lgbm-commute", "LightGBM 200 x 16 on log(1 + rentals), commute-day hour profile", CommuteColumns);
        yield return Lgbm(model, "lgbm-offday", "LightGBM 200 x 16 on log(1 + rentals), the shipped features: the shipped ensemble's first half", BikeFeatures.InputColumns);
        yield return Tweedie(model, "tweedie-calendar", "FastTreeTweedie 300 x 20, the calendar's working days", BikeFeatures.CalendarColumns, 300, 20, 0.1);
        yield return Tweedie(model, "tweedie-commute-100", "FastTreeTweedie 100 x 20 at rate 0.2, commute-day hour profile", CommuteColumns, 100, 20, 0.2);
        yield return Tweedie(model, "tweedie-commute", "FastTreeTweedie 300 x 20, commute-day hour profile", CommuteColumns, 300, 20, 0.1);
        yield return Tweedie(model, "tweedie-commute-32", "FastTreeTweedie 200 x 32 at rate 0.1, commute-day hour profile", CommuteColumns, 200, 32, 0.1);
        yield return Tweedie(model, "tweedie-commute-500", "FastTreeTweedie 500 x 20 at rate 0.06, commute-day hour profile", CommuteColumns, 500, 20, 0.06);
        yield return Tweedie(model, "tweedie-commute-i1.3", "FastTreeTweedie 300 x 20, Tweedie index 1.3, commute-day hour profile", CommuteColumns, 300, 20, 0.1, 1.3);
        yield return Tweedie(model, "tweedie-commute-i1.7", "FastTreeTweedie 300 x 20, Tweedie index 1.7, commute-day hour profile", CommuteColumns, 300, 20, 0.1, 1.7);
        yield return Tweedie(model, "tweedie-offday", "FastTreeTweedie 300 x 20, the shipped features: the shipped ensemble's second half", BikeFeatures.InputColumns, 300, 20, 0.1);
    }

    private static PipelineRecipe Lgbm(BikeDemandModel model, string name, string description, string[] columns) =>
        new(model, name, description, ml => BikeRecipes.LightGbmOnLog(ml, columns, BikeRecipes.LightGbmOptions()));

    private static PipelineRecipe Tweedie(BikeDemandModel model, string name, string description, string[] columns, int trees, int leaves, double rate, double index = 1.5) =>
        new(model, name, description, ml => BikeRecipes.TweedieOnCounts(ml, columns, BikeRecipes.TweedieOptions(trees, leaves, rate, index)));
}
