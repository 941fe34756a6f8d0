using ServerlessMl.Definitions;
using ServerlessMl.Testing;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Training;
using ServerlessMl.Storage;

namespace ServerlessMl.Core.Tests.Training;

public sealed class LocalDataFilesTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "serverless-ml-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void Splits_a_whole_hour_csv_into_one_file_per_day_with_the_header()
    {
        Directory.CreateDirectory(_folder);
        var source = Path.Combine(_folder, "hour.csv");
        var header = string.Join(',', BikeHourRow.Columns);
        File.WriteAllText(source, $"{header}\n1,2011-01-01,1,0,1,0,0,6,0,1,0.24,0.2879,0.81,0,3,13,16\n2,2011-01-01,1,0,1,1,0,6,0,1,0.22,0.2727,0.8,0,8,32,40\n3,2011-01-02,1,0,1,0,0,0,0,2,0.46,0.4545,0.88,0.2985,4,13,17");

        var files = LocalDataFiles.SplitByDay(source, Path.Combine(_folder, "days"), SampleData.Format);

        Assert.Equal([new DateOnly(2011, 1, 1), new DateOnly(2011, 1, 2)], files.Select(f => f.Day));
        Assert.Equal(3, File.ReadAllLines(files[0].LocalPath).Length);
        Assert.Equal(header, File.ReadLines(files[1].LocalPath).First());
    }

    [Fact]
    public void A_row_without_a_date_is_reported_with_its_row_number()
    {
        Directory.CreateDirectory(_folder);
        var source = Path.Combine(_folder, "hour.csv");
        File.WriteAllText(source, "instant,dteday,cnt\n1,2011-01-01,5\n2,yesterday,6\n");

        var error = Assert.Throws<DataValidationException>(() => LocalDataFiles.SplitByDay(source, Path.Combine(_folder, "days"), SampleData.Format));

        Assert.Equal("hour.csv, row 2: column 2 (dteday) is not a date yyyy-MM-dd", error.Message);
    }

    [Fact]
    public void A_file_of_data_without_days_is_one_drop_on_the_given_day_and_a_folder_is_read_by_the_formats_extension()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "2026", "01"));
        var single = Path.Combine(_folder, "messages.tsv");
        File.WriteAllText(single, "ham\thello\n");
        File.WriteAllText(Path.Combine(_folder, "2026", "01", "05.tsv"), "spam\tWIN\n");
        File.WriteAllText(Path.Combine(_folder, "2026-01-04.tsv"), "ham\thi\n");
        File.WriteAllText(Path.Combine(_folder, "2026-01-03.csv"), "not,this,format\n");

        var drop = Assert.Single(LocalDataFiles.Open(single, _folder, ServerlessMl.Definitions.DataFormat.Tsv(), new DateOnly(2026, 1, 2)));
        File.Delete(single);
        var folder = LocalDataFiles.Open(_folder, _folder, ServerlessMl.Definitions.DataFormat.Tsv());

        Assert.Equal(new DateOnly(2026, 1, 2), drop.Day);
        Assert.Equal(Path.GetFullPath(single), drop.LocalPath);
        Assert.Equal([new DateOnly(2026, 1, 4), new DateOnly(2026, 1, 5)], folder.Select(f => f.Day));
    }

    [Theory]
    [InlineData("bike-demand/2012/02/29.csv", "2012-02-29")]
    [InlineData("bike-demand/2011/02/29.csv", null)]
    [InlineData("bike-demand/2011/1/05.csv", null)]
    [InlineData("other-model/2011/01/05.csv", null)]
    public void Daily_blob_names_parse_only_real_days_of_the_model(string name, string? expected)
    {
        var day = DailyBlobName.TryParse("bike-demand", name, "csv");

        Assert.Equal(expected, day?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
