using Microsoft.Extensions.DependencyInjection;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Models.SmsSpam;
using ServerlessMl.Registry;
using ServerlessMl.Testing;
using ServerlessMl.Training;
using ServerlessMl.Storage;

namespace ServerlessMl.Core.Tests.Training;

/// <summary>
/// Drops that must never be trained on, written straight to storage as a sender might: each fails
/// the run naming the blob (and the row or line), and nothing is published.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RetrainDataChecksTests(AzuriteFixture azurite) : IDisposable
{
    private const string Bike = BikeDemandModel.ModelName;
    private const string Spam = SmsSpamModel.ModelName;
    private readonly SampleData _data = new(days: 21);
    private readonly string _scratch = Directory.CreateTempSubdirectory("serverless-ml-tests-").FullName;
    private readonly List<TestApp> _apps = [];

    [Fact]
    public async Task A_day_of_rows_dated_years_ahead_fails_the_run_naming_the_blob_and_row_and_publishes_nothing()
    {
        var app = NewApp();
        await ChampionSetup.UploadAsync(app, _data);
        var future = new DateOnly(2099, 6, 1);
        var path = new SyntheticBikeData(3).WriteDays(_scratch, future, 1)[0];
        await PutAsync(app, "bike-demand/2099/06/01.csv", await File.ReadAllBytesAsync(path));

        var outcome = await app.Get<RetrainJob>().RunAsync(Bike, "test", default);

        Assert.True(outcome.Status == RetrainStatus.Failed, string.Join("; ", outcome.Reasons));
        Assert.Equal(RetrainFailure.Data, outcome.Failure);
        Assert.Contains("bike-demand/2099/06/01.csv, row 1: date 2099-06-01 is in the future", outcome.Reasons[0], StringComparison.Ordinal);
        await AssertNothingPublishedAsync(app, Bike);
    }

    [Theory]
    [InlineData("2011-01-19T23:59:59Z", "bike-demand/2011/01/21.csv, row 1: date 2011-01-21 is in the future")]
    [InlineData("2011-01-20T00:00:00Z", null)] // the newest day is the run's UTC date plus one: within the tolerance
    public async Task The_newest_day_allowed_is_the_runs_own_UTC_date_plus_one_by_the_clock_the_job_is_given(string now, string? refusal)
    {
        var app = NewApp(clock: new FixedTime(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));
        foreach (var day in Directory.GetFiles(_data.Folder, "*.csv")) // 2011-01-01..2011-01-21, past the upload's own checks
        {
            var date = DateOnly.ParseExact(Path.GetFileNameWithoutExtension(day), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            await PutAsync(app, DailyBlobName.For(Bike, date, "csv"), await File.ReadAllBytesAsync(day));
        }

        var outcome = await app.Get<RetrainJob>().RunAsync(Bike, "test", default);

        if (refusal is null)
        {
            Assert.True(outcome.Status == RetrainStatus.Promoted, string.Join("; ", outcome.Reasons));
        }
        else
        {
            Assert.True(outcome.Status == RetrainStatus.Failed, string.Join("; ", outcome.Reasons));
            Assert.Contains(refusal, outcome.Reasons[0], StringComparison.Ordinal);
            Assert.Contains("2011-01-20", outcome.Reasons[0], StringComparison.Ordinal); // says what the latest allowed day was
            await AssertNothingPublishedAsync(app, Bike);
        }
    }

    [Fact]
    public async Task A_drop_whose_own_day_is_in_the_future_fails_the_run_for_data_without_days_too()
    {
        var app = NewApp(spam: true);
        await PutAsync(app, "sms-spam/2099/06/01.tsv", Messages(600));

        var outcome = await app.Get<RetrainJob>().RunAsync(Spam, "test", default);

        Assert.True(outcome.Status == RetrainStatus.Failed, string.Join("; ", outcome.Reasons));
        Assert.Equal(RetrainFailure.Data, outcome.Failure);
        Assert.Contains("sms-spam/2099/06/01.tsv: the drop's day 2099-06-01 is in the future", outcome.Reasons[0], StringComparison.Ordinal);
        await AssertNothingPublishedAsync(app, Spam);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE }, "sms-spam/2026/01/06.tsv, row 2: invalid UTF-8")]
    [InlineData(new byte[] { 0xC3 }, "sms-spam/2026/01/06.tsv, row 2: invalid UTF-8")] // a sequence cut short
    [InlineData(new byte[] { 0x00 }, "sms-spam/2026/01/06.tsv, row 2: a NUL byte")]
    public async Task A_text_drop_with_bytes_that_are_not_UTF_8_text_fails_the_run_naming_the_blob_and_row(byte[] bad, string refusal)
    {
        var app = NewApp(spam: true);
        await PutAsync(app, "sms-spam/2026/01/05.tsv", Messages(600));
        var drop = new List<byte>();
        drop.AddRange("ham\tsee you at lunch\nspam\tWIN "u8.ToArray());
        drop.AddRange(bad);
        drop.AddRange(" cash now\nham\tok\n"u8.ToArray());
        await PutAsync(app, "sms-spam/2026/01/06.tsv", [.. drop]);

        var outcome = await app.Get<RetrainJob>().RunAsync(Spam, "test", default);

        Assert.True(outcome.Status == RetrainStatus.Failed, string.Join("; ", outcome.Reasons));
        Assert.Equal(RetrainFailure.Data, outcome.Failure);
        Assert.Contains(refusal, outcome.Reasons[0], StringComparison.Ordinal);
        await AssertNothingPublishedAsync(app, Spam);
    }

    private static byte[] Messages(int count)
    {
        var path = Path.GetTempFileName();
        try
        {
            SyntheticSms.Write(path, count);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task PutAsync(TestApp app, string blobName, byte[] content)
    {
        var container = azurite.CreateClient().GetBlobContainerClient(app.TrainingContainer);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient(blobName).UploadAsync(new BinaryData(content), overwrite: true);
    }

    private static async Task AssertNothingPublishedAsync(TestApp app, string model)
    {
        var registry = app.Get<ModelRegistry>();
        Assert.Empty(await registry.ListVersionsAsync(model, default));
        Assert.Null(await registry.GetChampionAsync(model, default));
    }

    private TestApp NewApp(TimeProvider? clock = null, bool spam = false)
    {
        var app = TestApp.Create(
            azurite,
            ChampionSetup.LenientGate(spam ? new() { ["Models:sms-spam:Gate:Floor"] = "0" } : null),
            configure: services =>
            {
                if (clock is not null)
                {
                    services.AddSingleton(clock);
                }
            },
            models: spam ? m => m.AddModel<SmsSpamModel>() : null);
        _apps.Add(app);
        return app;
    }

    public void Dispose()
    {
        foreach (var app in _apps)
        {
            app.Dispose();
        }

        _data.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }
}
