using ServerlessMl.Definitions;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using ServerlessMl.Models.BikeDemand;

namespace ServerlessMl.Models.Tests.BikeDemand;

public sealed class BikeFeaturizerTests
{
    private static readonly BikeDemandModel Model = new();

    [Theory]
    [InlineData("2011-01-03,1,0,1,8,0,1,1,2,0.22,0.2273,0.8,0.1045")] // Monday commute, mist
    [InlineData("2012-07-04,3,1,7,14,1,3,0,1,0.86,0.7879,0.41,0.2239")] // Independence Day afternoon
    [InlineData("2011-12-25,1,0,12,23,0,0,0,3,0.2,0.197,0.93,0.0")] // Sunday night, rain
    public void A_csv_row_and_the_equivalent_json_request_give_identical_features(string csvFields)
    {
        var row = Row(csvFields);
        var fromRow = Model.FromRow(row);

        // The caller's units: local time, °C, %, km/h.
        var json = string.Create(CultureInfo.InvariantCulture, $$"""
            {
              "timestamp": "{{row.Dteday}}T{{(int)row.Hr:00}}:00:00",
              "weather": {{(int)row.Weathersit}},
              "temperatureC": {{(double)(row.Temp * BikeHourRow.TempScale):R}},
              "feelsLikeC": {{(double)(row.Atemp * BikeHourRow.AtempScale):R}},
              "humidity": {{(double)(row.Hum * BikeHourRow.HumScale):R}},
              "windSpeedKmh": {{(double)(row.Windspeed * BikeHourRow.WindScale):R}},
              "holiday": {{(row.Holiday > 0 ? "true" : "false")}}
            }
            """);
        var request = JsonSerializer.Deserialize<BikeDemandRequest>(json)!;
        var fromRequest = Model.FromRequest(request);

        fromRow.Label = 0; // only training rows carry a label
        Assert.Equivalent(fromRow, fromRequest, strict: true);
    }

    [Fact]
    public void Csv_weather_is_read_in_the_units_the_uci_documentation_gives()
    {
        // ../shared/datasets/bike-sharing/SOURCE.md: temp = °C/41, atemp = °C/50, hum = %/100, windspeed = km/h/67.
        var features = Model.FromRow(Row("2011-01-03,1,0,1,8,0,1,1,2,0.22,0.2273,0.8,0.1045"));

        Assert.Equal(9.02, features.TemperatureC, 3);
        Assert.Equal(11.365, features.FeelsLikeC, 3);
        Assert.Equal(80, features.Humidity, 3);
        Assert.Equal(7.0015, features.WindSpeedKmh, 3);
    }

    [Fact]
    public void Calendar_features_come_from_the_timestamp_not_the_csv_calendar_columns()
    {
        // A row whose weekday/workingday columns lie: the date (a Saturday) wins.
        var features = Model.FromRow(Row("2011-01-01,1,0,1,10,0,2,1,1,0.3,0.3,0.5,0.1"));

        Assert.Equal((float)DayOfWeek.Saturday, features.DayOfWeek);
        Assert.Equal(0f, features.WorkingDay);
        Assert.Equal(10f, features.HourOfDayType);
        Assert.Equal(10f, features.HourOfCommuteType);
    }

    [Theory]
    [InlineData("2011-12-28", 1f, 0f, 1f)] // a Wednesday between Christmas and New Year: a working day nobody commutes on
    [InlineData("2011-11-25", 1f, 0f, 1f)] // the Friday after Thanksgiving
    [InlineData("2011-11-24", 0f, 0f, 1f)] // Thanksgiving: a holiday
    [InlineData("2011-12-21", 1f, 1f, 0f)] // an ordinary Wednesday
    [InlineData("2011-12-31", 0f, 0f, 0f)] // a Saturday inside the break: a weekend, as any
    public void A_break_day_is_a_working_day_on_the_calendar_and_a_day_off_to_the_model(string day, float working, float commute, float off)
    {
        var holiday = DcHolidayCalendar.IsHoliday(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)) ? 1 : 0;
        var features = Model.FromRow(Row($"{day},1,0,12,8,{holiday},0,1,1,0.3,0.3,0.5,0.1"));

        Assert.Equal(working, features.WorkingDay);
        Assert.Equal(commute, features.CommuteDay);
        Assert.Equal(off, features.OffDay);
        Assert.Equal(8f + (24f * commute), features.HourOfCommuteType);
        Assert.Equal(8f + (24f * working), features.HourOfDayType);
    }

    [Fact]
    public void A_request_without_a_holiday_flag_uses_the_dc_calendar()
    {
        var request = new BikeDemandRequest
        {
            Timestamp = new DateTimeOffset(2012, 11, 22, 9, 0, 0, TimeSpan.FromHours(-5)),
            Weather = 1,
            TemperatureC = 8,
            FeelsLikeC = 6,
            Humidity = 50,
            WindSpeedKmh = 10,
        };

        var features = Model.FromRequest(request);

        Assert.Equal(1f, features.Holiday); // Thanksgiving 2012
        Assert.Equal(0f, features.WorkingDay);
        Assert.Equal(9f, features.Hour); // the local clock hour, not UTC
    }

    [Fact]
    public void The_label_is_log_of_one_plus_the_count_and_maps_back()
    {
        var features = Model.FromRow(Row("2011-01-03,1,0,1,8,0,1,1,2,0.22,0.2273,0.8,0.1045"));

        Assert.Equal(Math.Log(1 + 100), features.Label, 5);
        Assert.Equal(100, ((IServedModel<BikeDemandRequest, BikeFeatures, RegressionScore, double>)Model).ToItem(new RegressionScore { Score = features.Label }), 3);
    }

    private static BikeHourRow Row(string fieldsAfterInstant)
    {
        // Goes through ML.NET's own loader, as training does.
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, string.Join(',', BikeHourRow.Columns) + "\n1," + fieldsAfterInstant + ",40,60,100\n");
            var ml = new MLContext();
            var view = ml.Data.CreateTextLoader<BikeHourRow>(separatorChar: ',', hasHeader: true).Load(path);
            return ml.Data.CreateEnumerable<BikeHourRow>(view, reuseRowObject: false).Single();
        }
        finally
        {
            File.Delete(path);
        }
    }
}
