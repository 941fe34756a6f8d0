using ServerlessMl.Definitions;
using Microsoft.ML;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Training;

namespace ServerlessMl.Models.Tests.BikeDemand;

public sealed class BikeDataValidationTests : IDisposable
{
    private const string Blob = "bike-demand/2011/01/03.csv";
    private const string Good1 = "1,2011-01-03,1,0,1,0,0,1,1,1,0.22,0.2273,0.8,0.1045,1,4,5";
    private const string Good2 = "2,2011-01-03,1,0,1,1,0,1,1,1,0.22,0.2273,0.8,0.1045,0,2,2";
    private static readonly DateOnly Day = new(2011, 1, 3);
    private static readonly DateOnly Latest = Day.AddDays(1);
    private static readonly string Header = string.Join(',', BikeHourRow.Columns);

    private readonly IModelDefinition _model = new BikeDemandModel();
    private readonly MLContext _ml = new();
    private readonly string _path = Path.GetTempFileName();

    [Fact]
    public void A_good_file_passes_and_reports_its_rows()
    {
        File.WriteAllText(_path, $"{Header}\n{Good1}\n{Good2}\n");

        Assert.Equal(2, _model.ValidateFile(_ml, _path, Blob, Day, Latest).Rows);
    }

    [Theory]
    [InlineData("3,2011-01-03,1,0,1,24,0,1,1,1,0.22,0.2273,0.8,0.1045,1,4,5", "hr must be a whole number from 0 to 23, got 24")]
    [InlineData("3,2011-01-03,1,0,1,2.5,0,1,1,1,0.22,0.2273,0.8,0.1045,1,4,5", "hr must be a whole number")]
    [InlineData("3,2011-01-03,1,0,1,2,0,1,1,5,0.22,0.2273,0.8,0.1045,1,4,5", "weathersit must be a whole number from 1 to 4, got 5")]
    [InlineData("3,2011-01-03,1,0,1,2,0,1,1,1,1.22,0.2273,0.8,0.1045,1,4,5", "temp must be a normalised value from 0 to 1, got 1.22")]
    [InlineData("3,2011-01-03,1,0,1,2,0,1,1,1,0.22,0.2273,-0.1,0.1045,1,4,5", "hum must be a normalised value")]
    [InlineData("3,2011-01-03,1,0,1,2,0,1,1,1,0.22,0.2273,0.8,abc,1,4,5", "windspeed must be a normalised value from 0 to 1, got a missing or non-numeric value")]
    [InlineData("3,2011-01-03,1,0,1,2,0,1,1,1,0.22,0.2273,0.8,0.1", "the row has fewer than 17 fields")]
    [InlineData("3,2011-01-03,1,0,1,2,0,1,1,1,0.22,0.2273,0.8,0.1045,1,4,5,7", "has more than 17 fields")]
    [InlineData("3,2011-01-03,1,0,1,2,0,1,1,1,0.22,0.2273,0.8,,1,4,5", "windspeed must be a normalised value from 0 to 1, got a missing or non-numeric value")]
    [InlineData("3,2011-01-03,1,0,1,2,0,1,1,1,0.22,0.2273,0.8,0.1045,1,4,-5", "cnt must be a whole number of 0 or more")]
    [InlineData("3,2011-01-03,1,0,1,2,0,1,1,1,0.22,0.2273,0.8,0.1045,1,4,6", "cnt 6 is not casual + registered")]
    [InlineData("3,2011-01-04,1,0,1,2,0,1,1,1,0.22,0.2273,0.8,0.1045,1,4,5", "date 2011-01-04 does not match the file's day 2011-01-03")]
    [InlineData("3,03/01/2011,1,0,1,2,0,1,1,1,0.22,0.2273,0.8,0.1045,1,4,5", "dteday '03/01/2011' is not a date")]
    [InlineData("3,2011-01-03,1,0,1,1,0,1,1,1,0.22,0.2273,0.8,0.1045,1,4,5", "a second row for hour 1 on 2011-01-03")]
    public void A_bad_third_row_fails_naming_the_blob_the_row_and_the_problem(string badRow, string expected)
    {
        File.WriteAllText(_path, $"{Header}\n{Good1}\n{Good2}\n{badRow}\n");

        var error = Assert.Throws<DataValidationException>(() => _model.ValidateFile(_ml, _path, Blob, Day, Latest));

        Assert.StartsWith($"{Blob}, row 3: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Row);
    }

    [Fact]
    public void A_day_after_the_latest_fails_at_its_first_row_naming_the_newest_day_allowed()
    {
        File.WriteAllText(_path, $"{Header}\n{Good1.Replace("2011-01-03", "2031-06-01", StringComparison.Ordinal)}\n");

        var error = Assert.Throws<DataValidationException>(() => _model.ValidateFile(_ml, _path, "bike-demand/2031/06/01.csv", new DateOnly(2031, 6, 1), Latest));

        Assert.Equal(1, error.Row);
        Assert.StartsWith("bike-demand/2031/06/01.csv, row 1: date 2031-06-01 is in the future: the newest day data may hold now is 2011-01-04", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_dated_after_the_latest_day_in_an_earlier_days_file_is_refused_as_in_the_future()
    {
        File.WriteAllText(_path, $"{Header}\n{Good1}\n{Good2.Replace("2011-01-03", "2011-01-05", StringComparison.Ordinal)}\n");

        var error = Assert.Throws<DataValidationException>(() => _model.ValidateFile(_ml, _path, Blob, Day, Latest));

        Assert.Equal(2, error.Row);
        Assert.Contains("date 2011-01-05 is in the future", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_latest_day_itself_is_allowed()
    {
        File.WriteAllText(_path, $"{Header}\n{Good1}\n{Good2}\n");

        Assert.Equal(2, _model.ValidateFile(_ml, _path, Blob, Day, Day).Rows);
    }

    [Fact]
    public void A_NUL_byte_is_refused_with_its_row_and_line_and_one_in_the_header_as_the_headers()
    {
        File.WriteAllText(_path, $"{Header}\n{Good1}\n{Good2.Replace(",1,1,1,", ",1,\01,1,", StringComparison.Ordinal)}\n");
        var inRow = Assert.Throws<DataValidationException>(() => _model.ValidateFile(_ml, _path, Blob, Day, Latest));
        File.WriteAllText(_path, $"inst\0ant{Header[7..]}\n{Good1}\n");
        var inHeader = Assert.Throws<DataValidationException>(() => _model.ValidateFile(_ml, _path, Blob, Day, Latest));

        Assert.Equal(2, inRow.Row);
        Assert.Contains("a NUL byte on line 3", inRow.Message, StringComparison.Ordinal);
        Assert.Null(inHeader.Row);
        Assert.StartsWith($"{Blob}: the header has a NUL byte on line 1, byte 5", inHeader.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("instant,dteday,season,yr,mnth,hr,holiday,weekday,workingday,weathersit,temp,atemp,hum,windspeed,casual,registered", "missing column(s) cnt")]
    [InlineData("dteday,instant,season,yr,mnth,hr,holiday,weekday,workingday,weathersit,temp,atemp,hum,windspeed,casual,registered,cnt", "out of order")]
    [InlineData("", "the file is empty")]
    public void A_wrong_header_fails_before_any_row(string header, string expected)
    {
        File.WriteAllText(_path, $"{header}\n{Good1}\n");

        var error = Assert.Throws<DataValidationException>(() => _model.ValidateFile(_ml, _path, Blob, Day, Latest));

        Assert.StartsWith($"{Blob}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Null(error.Row);
    }

    [Fact]
    public void A_header_without_rows_is_rejected()
    {
        File.WriteAllText(_path, Header + "\n");

        var error = Assert.Throws<DataValidationException>(() => _model.ValidateFile(_ml, _path, Blob, Day, Latest));

        Assert.Contains("no data rows", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(_path);
}
