using System.Globalization;
using ServerlessMl.Definitions;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Testing;

namespace ServerlessMl.Models.Tests.BikeDemand;

/// <summary>A scoring drop's forecast rows are checked, keyed and featurized as the training rows of the same hours.</summary>
public sealed class BikePrecomputeTests
{
    private const string Good = "3,2011-01-03,1,0,1,8,0,1,1,2,0.22,0.2273,0.8,0.1045";
    private static readonly BikeDemandModel Model = new();
    private static readonly IPrecomputed<BikeForecastRow, BikeFeatures> Precomputed = Model;

    [Fact]
    public void A_scoring_drop_is_hour_csv_without_its_three_label_columns()
    {
        Assert.Equal("csv", Model.ScoringFormat.Extension);
        Assert.Equal(',', Model.ScoringFormat.Separator);
        Assert.Equal(
            ["instant", "dteday", "season", "yr", "mnth", "hr", "holiday", "weekday", "workingday", "weathersit", "temp", "atemp", "hum", "windspeed"],
            Model.ScoringFormat.Header);
    }

    [SkippableTheory]
    [InlineData("2011-01-17")] // Martin Luther King Jr. Day: a holiday on a Monday
    [InlineData("2011-07-02")] // a summer Saturday
    [InlineData("2012-03-14")] // a working day of the second year
    public void Every_hour_of_a_real_day_as_a_forecast_gives_the_features_its_training_row_gives_but_the_label(string day)
    {
        Skip.IfNot(File.Exists(RepoPaths.BikeHourTrain), $"real UCI data not found at {RepoPaths.BikeHourTrain} (it lives in ../shared, outside the repository)");
        var lines = File.ReadLines(RepoPaths.BikeHourTrain).Where(l => l.Split(',')[1] == day).ToList();
        var forecastLines = lines.Select(l => string.Join(',', l.Split(',')[..BikeForecastRow.Columns.Count]));

        var rows = ScoringDrop.Read<BikeHourRow>(Model.Format, $"{string.Join(',', BikeHourRow.Columns)}\n{string.Join('\n', lines)}\n");
        var inputs = ScoringDrop.Read<BikeForecastRow>(Model.ScoringFormat, $"{string.Join(',', BikeForecastRow.Columns)}\n{string.Join('\n', forecastLines)}\n");

        Assert.Equal(24, inputs.Count);
        Assert.Equal(rows.Count, inputs.Count);
        foreach (var (row, input) in rows.Zip(inputs))
        {
            var fromRow = Model.FromRow(row);
            var fromInput = Model.FromInput(input);
            Assert.Null(Model.CheckInput(input));
            Assert.Equal(0f, fromInput.Label);

            fromRow.Label = 0; // only training rows carry a label
            Assert.Equivalent(fromRow, fromInput, strict: true);
            Assert.Equal($"{day}T{(int)row.Hr:00}:00", Model.KeyOf(input));
            Assert.Equal(DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture), Precomputed.DayOf(input));
        }
    }

    [Theory]
    [InlineData("3,2011-01-03,1,0,1,8,0,1,1,5,0.22,0.2273,0.8,0.1045", "weathersit must be a whole number from 1 to 4, got 5")]
    [InlineData("3,03/01/2011,1,0,1,8,0,1,1,2,0.22,0.2273,0.8,0.1045", "dteday '03/01/2011' is not a date in the form yyyy-MM-dd")]
    [InlineData("3,2011-02-30,1,0,1,8,0,1,1,2,0.22,0.2273,0.8,0.1045", "dteday '2011-02-30' is not a date")]
    [InlineData("3,2011-01-03,1,0,1,24,0,1,1,2,0.22,0.2273,0.8,0.1045", "hr must be a whole number from 0 to 23, got 24")]
    [InlineData("3,2011-01-03,1,0,1,8,0,1,1,2,1.22,0.2273,0.8,0.1045", "temp must be a normalised value from 0 to 1, got 1.22")]
    [InlineData("3,2011-01-03,1,0,1,8,0,1,1,2,0.22,0.2273,0.8,abc", "windspeed must be a normalised value from 0 to 1, got a missing or non-numeric value")]
    [InlineData("3,2011-01-03,1,0,1,8,0,1,1,2,0.22,,0.8,0.1045", "atemp must be a normalised value from 0 to 1, got a missing or non-numeric value")]
    public void A_bad_forecast_row_is_refused_with_the_words_the_training_check_uses(string forecast, string expected)
    {
        var training = TrainingProblem($"{forecast},1,4,5");

        var problem = Model.CheckInput(Input(forecast));

        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
        Assert.Equal(training, problem);
    }

    [Theory]
    [InlineData("3,2011-01-03,1,0,1,8,0,1,1,2,0.22,0.2273,0.8", "3,2011-01-03,1,0,1,8,0,1,1,2,0.22,0.2273,0.8,0.1045,1,4", "the row has fewer than 14 fields")]
    [InlineData("3,2011-01-03,1,0,1,8,0,1,1,2,0.22,0.2273,0.8,0.1045,7", "3,2011-01-03,1,0,1,8,0,1,1,2,0.22,0.2273,0.8,0.1045,1,4,5,7", "the row has more than 14 fields")]
    [InlineData("3,2011-01-03,1,0,1,8,0,1,1,2,0.22,0.2273,0.8,0.1045,1,4,5", "3,2011-01-03,1,0,1,8,0,1,1,2,0.22,0.2273,0.8,0.1045,1,4,5,7,8,9", "the row has more than 14 fields")] // a training row sent to be scored
    public void A_short_or_long_forecast_row_is_refused_as_a_short_or_long_training_row_is_but_for_its_count(string forecast, string trainingRow, string expected)
    {
        var training = TrainingProblem(trainingRow);

        var problem = Model.CheckInput(Input(forecast));

        Assert.Equal(expected, problem);
        Assert.Equal(training!.Replace("17", "14", StringComparison.Ordinal), problem);
    }

    [Fact]
    public void The_training_check_still_holds_the_labels_to_account()
    {
        Assert.Equal("cnt 6 is not casual + registered (1 + 4)", TrainingProblem($"{Good},1,4,6"));
        Assert.Equal("casual must be a whole number of 0 or more, got -1", TrainingProblem($"{Good},-1,4,3"));
        Assert.Null(TrainingProblem($"{Good},1,4,5"));
        Assert.Null(Model.CheckInput(Input(Good)));
    }

    [Theory]
    [InlineData("2011-01-03", 8, "2011-01-03T08:00")]
    [InlineData("2011-01-03", 0, "2011-01-03T00:00")]
    [InlineData("2012-12-31", 23, "2012-12-31T23:00")]
    public void The_key_is_the_local_hour_and_the_day_the_rows_own(string day, int hour, string key)
    {
        var input = Input(Good.Replace("2011-01-03,1,0,1,8,", $"{day},1,0,1,{hour},", StringComparison.Ordinal));

        Assert.Equal(key, Model.KeyOf(input));
        Assert.Equal(DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture), Precomputed.DayOf(input));
    }

    [Fact]
    public void Keys_sort_in_time_order_across_midnight_and_the_year()
    {
        var keys = new[] { ("2011-12-31", 9), ("2011-12-31", 10), ("2011-12-31", 23), ("2012-01-01", 0), ("2012-01-01", 1) }
            .Select(h => Model.KeyOf(Input(Good.Replace("2011-01-03,1,0,1,8,", $"{h.Item1},1,0,1,{h.Item2},", StringComparison.Ordinal))))
            .ToList();

        Assert.Equal(keys, keys.Order(StringComparer.Ordinal));
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void A_generated_scoring_drop_holds_the_hours_asked_for_each_valid_and_keyed_in_turn()
    {
        var path = Path.GetTempFileName();
        try
        {
            var first = new DateTime(2011, 5, 1, 18, 0, 0);
            SyntheticBikeData.WriteForecast(path, first, 48, seed: 3);
            var text = File.ReadAllText(path);
            var inputs = ScoringDrop.Read<BikeForecastRow>(Model.ScoringFormat, text);

            Assert.StartsWith(string.Join(',', BikeForecastRow.Columns) + "\n", text, StringComparison.Ordinal);
            Assert.Equal(48, inputs.Count);
            Assert.All(inputs, input => Assert.Null(Model.CheckInput(input)));
            Assert.Equal(
                Enumerable.Range(0, 48).Select(h => first.AddHours(h).ToString("yyyy-MM-dd'T'HH':00'", CultureInfo.InvariantCulture)),
                inputs.Select(Model.KeyOf));
            Assert.True(inputs.Select(i => i.Temp).Distinct().Count() > 1, "the forecast temperature never changes");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_generated_drop_must_start_on_the_hour()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".csv");

        Assert.Throws<ArgumentException>(() => SyntheticBikeData.WriteForecast(path, new DateTime(2011, 5, 1, 18, 30, 0), 48));
        Assert.False(File.Exists(path));
    }

    private static BikeForecastRow Input(string line) =>
        ScoringDrop.Read<BikeForecastRow>(Model.ScoringFormat, $"{string.Join(',', BikeForecastRow.Columns)}\n{line}\n").Single();

    private static string? TrainingProblem(string line) =>
        ScoringDrop.TrainingProblem(Model, $"{string.Join(',', BikeHourRow.Columns)}\n{line}\n", "bike-demand/2011/01/03.csv", new DateOnly(2011, 1, 3));
}
