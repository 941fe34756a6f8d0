using System.Text.Json.Nodes;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Monitoring;
using ServerlessMl.Registry;
using ServerlessMl.Testing;

namespace ServerlessMl.Core.Tests.Monitoring;

/// <summary>The live quality job end to end on a real Azurite, on log lines written as the log writer writes them.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class LiveQualityJobTests(AzuriteFixture azurite) : IDisposable
{
    private const string Bike = BikeDemandModel.ModelName;
    private static readonly SemaphoreSlim TrainOnce = new(1, 1);
    private static (TestApp App, SampleData Data, string NextDrop)? _bike;
    private readonly List<LiveSetup> _setups = [];

    [Fact]
    public async Task Bike_predictions_are_matched_to_the_next_days_drop_by_hour_and_measured_as_the_gate_measures()
    {
        var (trained, _, nextDrop) = await BikeChampionAsync();
        var setup = New(trained, new() { ["Monitoring:MinRows"] = "10" });
        var day = LiveSetup.Today.AddDays(-1);
        var hours = LiveSetup.BikeHours(nextDrop);
        var lines = hours.Select((h, i) => LiveSetup.Line($"r{i}", day, h.Count + (i % 2 == 0 ? 5 : -3), h.Features, h.Key)).ToList();
        lines.Add(LiveSetup.Line("far", day, 100, hours[0].Features, "2012-06-01T08:00"));
        await setup.WriteLogAsync(Bike, day, lines, extra: "{\"requestId\": \"torn\", \"ti\n[1,2]\n");

        var run = await setup.Job.RunAsync(Bike, "test", 3, default);

        Assert.Equal(LiveRunStatus.Completed, run.Status);
        var written = Assert.Single(run.Days);
        Assert.Equal(day, written.Day);
        Assert.Equal(25, written.Logged);
        Assert.Equal(2, written.DamagedLines);
        var champion = Assert.Single(written.Versions);
        Assert.Equal(("0001", "champion", 25L, 24L), (champion.Version, champion.Role, champion.Served, champion.WithTruth));
        var errors = hours.Select((h, i) => i % 2 == 0 ? 5.0 : -3.0).ToList();
        var rmse = Math.Sqrt(errors.Sum(e => e * e) / errors.Count);
        Assert.Equal(rmse, champion.Metrics["rmse"], tolerance: 0.01);
        Assert.Equal(errors.Average(Math.Abs), champion.Metrics["mae"], tolerance: 0.01);
        Assert.Equal("rSquared", champion.PrimaryMetric);
        var stored = await setup.App.Get<LiveStore>().ReadAsync(Bike, day, default);
        Assert.Equal(24, stored!.Versions[0].WithTruth);
    }

    [Fact]
    public async Task Live_metrics_of_champion_and_challenger_equal_a_hand_computation_and_the_floor_is_held()
    {
        var (trained, _, _) = await BikeChampionAsync();
        var setup = New(trained, new() { ["Models:bike-demand:Gate:Floor"] = "0.5", ["Monitoring:MinRows"] = "4" });
        var day = LiveSetup.Today;
        double[] actual = [10, 20, 30, 40], champion = [12, 18, 33, 40];
        await setup.WriteLogAsync(Bike, day, actual.Select((_, i) =>
            LiveSetup.Line($"q{i}", day, champion[i], challenger: new ShadowAnswer("0002", 25, null))));
        await setup.WriteFeedbackAsync(Bike, day, actual.Select((a, i) => new FeedbackRecord($"q{i}", 0, LiveSetup.Noon(day).AddHours(1), a, "")));

        var written = Assert.Single((await setup.Job.RunAsync(Bike, "test", 1, default)).Days);

        // errors -2, 2, -3, 0: squares sum to 17; the actuals' mean is 25, squares about it sum to 500.
        var first = written.Versions.Single(v => v.Role == "champion");
        Assert.Equal(Math.Sqrt(17.0 / 4), first.Metrics["rmse"], 9);
        Assert.Equal(7.0 / 4, first.Metrics["mae"], 9);
        Assert.Equal(1 - (17.0 / 500), first.Metrics["rSquared"], 9);
        Assert.False(first.BelowFloor);

        // The challenger answers the mean every time: R² 0, under the floor of 0.5.
        var second = written.Versions.Single(v => v.Role == "challenger");
        Assert.Equal(("0002", 4L), (second.Version, second.WithTruth));
        Assert.Equal(0, second.Metrics["rSquared"], 9);
        Assert.True(second.BelowFloor);
        Assert.Equal(("0001", "0002", 4L, "rmse"), (written.Comparison!.Champion, written.Comparison.Challenger, written.Comparison.Rows, written.Comparison.Metric));
        Assert.Equal(Math.Sqrt(500.0 / 4), written.Comparison.ChallengerValue!.Value, 9);
        Assert.Equal(new FeedbackCounts(4, 4, 0, 0), written.Feedback);
    }

    [Fact]
    public async Task Drift_flags_a_shifted_temperature_and_not_the_same_rows_unshifted_and_never_writes_in_a_versions_folder()
    {
        var (trained, data, _) = await BikeChampionAsync();
        var setup = New(trained, []);
        var before = (await setup.RegistryBlobsAsync()).Where(n => n.Contains("/versions/", StringComparison.Ordinal)).ToList();
        var rows = Directory.EnumerateFiles(data.Folder, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(30)
            .SelectMany(LiveSetup.BikeHours).ToList();
        var plain = LiveSetup.Today.AddDays(-2);
        var shifted = LiveSetup.Today.AddDays(-1);
        await setup.WriteLogAsync(Bike, plain, rows.Select((r, i) => LiveSetup.Line($"p{i}", plain, 50, r.Features)));
        await setup.WriteLogAsync(Bike, shifted, rows.Select((r, i) => LiveSetup.Line($"s{i}", shifted, 50, Shift(r.Features, "TemperatureC", 15))));

        var run = await setup.Job.RunAsync(Bike, "test", 3, default);

        var unshifted = run.Days.Single(d => d.Day == plain).Drift!;
        Assert.Equal("0001", unshifted.Baseline);
        Assert.Contains(unshifted.Features, f => f.Feature == "TemperatureC");
        Assert.DoesNotContain(unshifted.Features, f => f.Drifted);
        var drift = run.Days.Single(d => d.Day == shifted).Drift!;
        Assert.True(drift.Features.Single(f => f.Feature == "TemperatureC").Drifted);
        Assert.Equal("TemperatureC", drift.Worst!.Feature);
        Assert.False(drift.Features.Single(f => f.Feature == "Hour").Drifted);

        var after = await setup.RegistryBlobsAsync();
        Assert.Equal(before, after.Where(n => n.Contains("/versions/", StringComparison.Ordinal)));
        Assert.Contains(BaselineStore.BlobName(Bike, "0001"), after);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"version\": \"0001\", \"rows\": 3, \"measures\": [null]}")]
    [InlineData("not json")]
    public async Task A_damaged_drift_baseline_is_built_again_from_the_versions_drops(string damage)
    {
        var (trained, data, _) = await BikeChampionAsync();
        var setup = New(trained, []);
        var rows = Directory.EnumerateFiles(data.Folder, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(3)
            .SelectMany(LiveSetup.BikeHours).ToList();
        var day = LiveSetup.Today;
        await setup.WriteLogAsync(Bike, day, rows.Select((r, i) => LiveSetup.Line($"d{i}", day, 50, r.Features)));
        var cache = new Azure.Storage.Blobs.BlobServiceClient(azurite.ConnectionString)
            .GetBlobContainerClient(trained.ModelsContainer).GetBlobClient(BaselineStore.BlobName(Bike, "0001"));
        await cache.UploadAsync(BinaryData.FromString(damage), overwrite: true);

        var run = await setup.Job.RunAsync(Bike, "test", 1, default);

        Assert.Equal(LiveRunStatus.Completed, run.Status);
        Assert.Contains(Assert.Single(run.Days).Drift!.Features, f => f.Feature == "TemperatureC");
        Assert.Contains("\"measures\"", (await cache.DownloadContentAsync()).Value.Content.ToString(), StringComparison.Ordinal);
    }

    private static Dictionary<string, double> Shift(Dictionary<string, double> features, string name, double by) =>
        features.ToDictionary(f => f.Key, f => f.Key == name ? f.Value + by : f.Value);

    [Fact]
    public async Task A_model_without_a_champion_is_passed_over_by_the_timer_and_named_to_a_direct_caller()
    {
        using var app = TestApp.Create(azurite);
        var job = app.Get<LiveQualityJob>();

        var run = await job.RunAsync(Bike, "test", 1, default);
        await job.RunAllAsync("timer", default);

        Assert.Equal(LiveRunStatus.NoChampion, run.Status);
        Assert.Contains("no champion", Assert.Single(run.Reasons), StringComparison.Ordinal);
        Assert.Empty(run.Days);
    }

    private LiveSetup New(TestApp trained, Dictionary<string, string?> settings)
    {
        var setup = LiveSetup.On(azurite, trained, settings);
        _setups.Add(setup);
        return setup;
    }

    /// <summary>One bike champion on thirty days for the whole class (training is the slow part), then the next day's drop.</summary>
    private async Task<(TestApp App, SampleData Data, string NextDrop)> BikeChampionAsync()
    {
        await TrainOnce.WaitAsync();
        try
        {
            if (_bike is null)
            {
                var app = TestApp.Create(azurite, ChampionSetup.LenientGate());
                var data = new SampleData(days: 30);
                await ChampionSetup.TrainVersionsAsync(app, data, 1);
                var next = data.AddDay();
                await ChampionSetup.UploadAsync(app, data);
                _bike = (app, data, next);
            }

            return _bike.Value;
        }
        finally
        {
            TrainOnce.Release();
        }
    }

    public void Dispose()
    {
        foreach (var setup in _setups)
        {
            setup.Dispose();
        }
    }
}
