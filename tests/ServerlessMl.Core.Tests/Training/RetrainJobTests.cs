using ServerlessMl.Definitions;
using System.Security.Cryptography;
using Azure.Storage.Blobs;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Registry;
using ServerlessMl.Testing;
using ServerlessMl.Training;

namespace ServerlessMl.Core.Tests.Training;

/// <summary>The retrain job end to end on a real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RetrainJobTests(AzuriteFixture azurite) : IDisposable
{
    private const string Model = BikeDemandModel.ModelName;
    private readonly SampleData _data = new(days: 30);
    private readonly List<TestApp> _apps = [];

    [Fact]
    public async Task First_run_publishes_version_0001_with_its_manifest_and_makes_it_champion()
    {
        var app = NewApp();
        await UploadAsync(app);

        var outcome = await app.Get<RetrainJob>().RunAsync(Model, "test", default);

        Assert.Equal(RetrainStatus.Promoted, outcome.Status);
        Assert.Equal("0001", outcome.Version);
        var registry = app.Get<ModelRegistry>();
        var champion = await registry.GetChampionAsync(Model, default);
        Assert.Equal("0001", champion?.Alias.Version);

        var manifest = await registry.GetManifestAsync(Model, "0001", default);
        Assert.NotNull(manifest);
        Assert.Equal(30, manifest.Data.Blobs.Count);
        Assert.Equal(30 * 24, manifest.Data.Rows);
        Assert.Equal(new DateOnly(2011, 1, 24), manifest.ValidationWindow.FirstDay);
        Assert.Equal(7, manifest.ValidationWindow.Days);
        Assert.True(manifest.Gate.Passed);
        Assert.True(manifest.RefitOnAllData);
        Assert.Equal(((IModelDefinition)new BikeDemandModel()).InputSchemaHash, manifest.InputSchemaHash);
        var loaded = typeof(Microsoft.ML.MLContext).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false).OfType<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;
        Assert.Matches(@"^\d+\.\d+\.\d+", manifest.MlNetVersion);
        Assert.StartsWith(manifest.MlNetVersion, loaded, StringComparison.Ordinal); // the package that trained it, e.g. "6.0.0"
        Assert.InRange(manifest.Metrics.RSquared, 0.8, 1.0);

        var zip = await registry.DownloadModelAsync(Model, "0001", default);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(zip.ToArray())), manifest.ModelFile.Sha256);
        Assert.Equal(zip.ToArray().Length, manifest.ModelFile.SizeBytes);
    }

    [Fact]
    public async Task A_second_run_without_new_data_is_skipped_and_publishes_nothing()
    {
        var app = NewApp();
        await UploadAsync(app);
        var job = app.Get<RetrainJob>();
        await job.RunAsync(Model, "test", default);

        var outcome = await job.RunAsync(Model, "test", default);

        Assert.Equal(RetrainStatus.Skipped, outcome.Status);
        Assert.Contains("no new data since version 0001", outcome.Reasons[0], StringComparison.Ordinal);
        Assert.Single(await app.Get<ModelRegistry>().ListVersionsAsync(Model, default));
    }

    [Fact]
    public async Task A_new_day_under_the_champions_own_recipe_is_not_compared_the_comparison_would_tie()
    {
        var app = NewApp();
        await UploadAsync(app);
        var job = app.Get<RetrainJob>();
        await job.RunAsync(Model, "test", default);

        _data.AddDay();
        await UploadAsync(app);
        var outcome = await job.RunAsync(Model, "test", default);

        Assert.Contains(outcome.Status, new[] { RetrainStatus.Promoted, RetrainStatus.Rejected });
        Assert.Equal("0002", outcome.Version);
        Assert.Null(outcome.Comparison);
        Assert.Contains(outcome.Reasons, r => r.Contains("champion 0001 was built by this recipe from exactly the files a comparison model would learn from: it would tie", StringComparison.Ordinal));
        var manifest = await app.Get<ModelRegistry>().GetManifestAsync(Model, "0002", default);
        Assert.Null(manifest!.Comparison);
        Assert.Contains(manifest.Gate.Reasons, r => r.Contains("it would tie", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)] // as many as the held-out days
    [InlineData(8)] // one more than the held-out days
    public async Task Days_the_champion_never_saw_are_compared_under_its_own_recipe_the_first_new_day_alone_would_tie(int newDays)
    {
        var app = NewApp();
        await UploadAsync(app);
        var job = app.Get<RetrainJob>();
        await job.RunAsync(Model, "test", default); // 0001 refit on 2011-01-01..2011-01-30
        for (var i = 0; i < newDays; i++)
        {
            _data.AddDay();
        }

        await UploadAsync(app);
        var outcome = await job.RunAsync(Model, "test", default);

        // Origins are the newest ComparisonDays (7) days; the first new day's would be 0001 again.
        var compared = Math.Min(newDays, 7) - (newDays <= 7 ? 1 : 0);
        var firstCompared = new DateOnly(2011, 1, 31).AddDays(newDays - compared);
        Assert.True(outcome.Comparison is not null, string.Join("; ", outcome.Reasons));
        Assert.Equal("0001", outcome.Comparison.ChampionVersion);
        Assert.Equal(["0001"], outcome.Comparison.ServedBy);
        Assert.Equal(compared, outcome.Comparison.Window.Days);
        Assert.Equal(firstCompared, outcome.Comparison.Window.FirstDay);
        Assert.Equal(compared * 24, outcome.Comparison.Champion.Rows);
        Assert.Contains(outcome.Reasons, r => r.Contains("against champion 0001", StringComparison.Ordinal) && r.Contains($"{compared} day(s) {firstCompared:yyyy-MM-dd}..", StringComparison.Ordinal));
        var manifest = await app.Get<ModelRegistry>().GetManifestAsync(Model, outcome.Version!, default);
        Assert.Equal(compared * 24, manifest!.Comparison!.Candidate.Rows);
    }

    [Fact]
    public async Task A_new_day_under_another_recipe_is_compared_with_the_champion_on_the_day_it_has_not_seen()
    {
        var app = NewApp();
        await UploadAsync(app);
        var job = app.Get<RetrainJob>();
        await job.RunAsync(Model, "test", default);
        await ChampionSetup.MarkVersionsBuiltByAnotherRecipeAsync(app);

        _data.AddDay();
        await UploadAsync(app);
        var outcome = await job.RunAsync(Model, "test", default);

        Assert.Equal("0002", outcome.Version);
        Assert.NotNull(outcome.Comparison);
        Assert.Equal("0001", outcome.Comparison.ChampionVersion);
        Assert.Equal(1, outcome.Comparison.Window.Days);
        Assert.Equal(new DateOnly(2011, 1, 31), outcome.Comparison.Window.FirstDay);
        Assert.Equal(24, outcome.Comparison.Champion.Rows);
        Assert.Contains(outcome.Reasons, r => r.Contains("1 day(s) 2011-01-31..2011-01-31, 24 rows", StringComparison.Ordinal));
        Assert.Equal(2, (await app.Get<ModelRegistry>().ListVersionsAsync(Model, default)).Count);
    }

    [Fact]
    public async Task Under_another_recipe_the_newest_days_are_origins_each_scored_by_the_version_serving_then()
    {
        var app = NewApp(settings: ChampionSetup.LenientGate());
        await ChampionSetup.TrainVersionsAsync(app, _data, 4); // 0001..0004, each on one more day
        await ChampionSetup.MarkVersionsBuiltByAnotherRecipeAsync(app);
        _data.AddDay();
        await UploadAsync(app);
        var versions = await app.Get<ModelRegistry>().ListVersionsAsync(Model, default);
        var firstNewDay = versions.Single(v => v.Version == "0001").Data.LastDay.AddDays(1);

        var outcome = await app.Get<RetrainJob>().RunAsync(Model, "test", default);

        // Days after 0001's data, each scored by the newest version trained before it: 0001 for the
        // first, ..., the champion 0004 for the new day; the candidate refitted at each origin.
        Assert.NotNull(outcome.Comparison);
        Assert.Equal("0004", outcome.Comparison.ChampionVersion);
        Assert.Equal(["0001", "0002", "0003", "0004"], outcome.Comparison.ServedBy);
        Assert.Equal(4, outcome.Comparison.Window.Days);
        Assert.Equal(firstNewDay, outcome.Comparison.Window.FirstDay);
        Assert.Equal(4 * 24, outcome.Comparison.Champion.Rows);
        Assert.Equal(4 * 24, outcome.Comparison.Candidate.Rows);
        Assert.Contains(outcome.Reasons, r => r.Contains("96 rows, each day scored by the version serving then (0001, 0002, 0003, 0004)", StringComparison.Ordinal));
        var manifest = await app.Get<ModelRegistry>().GetManifestAsync(Model, outcome.Version!, default);
        Assert.Equal(["0001", "0002", "0003", "0004"], manifest!.Comparison!.ServedBy);
    }

    [Fact]
    public async Task A_bad_file_fails_the_run_names_blob_and_row_and_leaves_the_registry_as_it_was()
    {
        var app = NewApp();
        await UploadAsync(app);
        var job = app.Get<RetrainJob>();
        await job.RunAsync(Model, "test", default);
        var before = await SnapshotAsync(app);

        var badDay = _data.AddDay();
        var lines = File.ReadAllLines(badDay);
        var fields = lines[5].Split(',');
        fields[2] = "9"; // row 5: season 9
        lines[5] = string.Join(',', fields);
        File.WriteAllLines(badDay, lines);
        await app.Get<TrainingDataSource>().Container.GetBlobClient("bike-demand/2011/01/31.csv").UploadAsync(badDay); // past the upload's own checks

        var outcome = await job.RunAsync(Model, "test", default);

        Assert.Equal(RetrainStatus.Failed, outcome.Status);
        Assert.Contains("bike-demand/2011/01/31.csv, row 5: season must be", outcome.Reasons[0], StringComparison.Ordinal);
        Assert.Equal("0001", outcome.Champion);
        Assert.Equal(before, await SnapshotAsync(app));
    }

    [Fact]
    public async Task A_csv_blob_with_a_name_that_is_not_a_day_fails_the_run_naming_it()
    {
        var app = NewApp();
        await UploadAsync(app);
        var container = azurite.CreateClient().GetBlobContainerClient(app.TrainingContainer);
        await container.UploadBlobAsync("bike-demand/2011/02/30.csv", BinaryData.FromString("x"));

        var outcome = await app.Get<RetrainJob>().RunAsync(Model, "test", default);

        Assert.Equal(RetrainStatus.Failed, outcome.Status);
        Assert.Contains("bike-demand/2011/02/30.csv", outcome.Reasons[0], StringComparison.Ordinal);
        Assert.Null(await app.Get<ModelRegistry>().GetChampionAsync(Model, default));
    }

    [Fact]
    public async Task Too_few_days_fail_with_a_message_saying_how_many_are_needed()
    {
        using var few = new SampleData(days: 10);
        var app = NewApp();
        await app.Get<TrainingDataUploader>().UploadAsync(Model, LocalDataFiles.Open(few.Folder, few.Folder, SampleData.Format), false, null, default);

        var outcome = await app.Get<RetrainJob>().RunAsync(Model, "test", default);

        Assert.Equal(RetrainStatus.Failed, outcome.Status);
        Assert.Contains("10 day(s) of data; training needs at least 21", outcome.Reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_runs_at_the_same_moment_publish_exactly_one_version()
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var first = NewApp(suffix);
        var second = NewApp(suffix); // another instance: its own services, the same storage
        await UploadAsync(first);

        var outcomes = await Task.WhenAll(
            Task.Run(() => first.Get<RetrainJob>().RunAsync(Model, "timer", default)),
            Task.Run(() => second.Get<RetrainJob>().RunAsync(Model, "admin", default)));

        Assert.Single(outcomes, o => o.Status == RetrainStatus.Promoted);
        Assert.Single(outcomes, o => o.Status is RetrainStatus.Busy or RetrainStatus.Skipped);
        Assert.Single(await first.Get<ModelRegistry>().ListVersionsAsync(Model, default));
    }

    [Fact]
    public async Task A_version_below_the_floor_is_kept_as_rejected_and_the_champion_stays()
    {
        var (_, strict) = await ChampionThenANewDayUnderAStrictFloorAsync();
        var outcome = await strict.Get<RetrainJob>().RunAsync(Model, "test", default);

        Assert.Equal(RetrainStatus.Rejected, outcome.Status);
        Assert.Equal("0002", outcome.Version);
        Assert.Equal("0001", outcome.Champion);
        var manifest = await strict.Get<ModelRegistry>().GetManifestAsync(Model, "0002", default);
        Assert.False(manifest!.Gate.Passed);
        Assert.False(manifest.RefitOnAllData); // a rejected candidate is stored as judged

        var again = await strict.Get<RetrainJob>().RunAsync(Model, "test", default);
        Assert.Equal(RetrainStatus.Skipped, again.Status);
        Assert.Contains("since version 0002 was trained (the gate rejected it)", again.Reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_candidate_is_judged_again_once_the_gate_settings_change()
    {
        var (app, strict) = await ChampionThenANewDayUnderAStrictFloorAsync();
        Assert.Equal(RetrainStatus.Rejected, (await strict.Get<RetrainJob>().RunAsync(Model, "test", default)).Status);
        Assert.Equal(RetrainStatus.Skipped, (await strict.Get<RetrainJob>().RunAsync(Model, "test", default)).Status);

        // The operator lowers the floor again: the same data are judged under the new settings.
        var lowered = NewApp(app.TrainingContainer["training-".Length..]);
        var outcome = await lowered.Get<RetrainJob>().RunAsync(Model, "test", default);

        Assert.Equal(RetrainStatus.Promoted, outcome.Status);
        Assert.Equal("0003", outcome.Version);
        Assert.Equal("0003", outcome.Champion);
        Assert.Contains(outcome.Reasons, r => r.Contains("the gate settings changed since version 0002 was decided", StringComparison.Ordinal));
        Assert.Equal(RetrainStatus.Skipped, (await lowered.Get<RetrainJob>().RunAsync(Model, "test", default)).Status);
    }

    /// <summary>Version 0001 champion under the default gate, one more day uploaded, and an app on the same storage whose floor no candidate meets.</summary>
    private async Task<(TestApp App, TestApp Strict)> ChampionThenANewDayUnderAStrictFloorAsync()
    {
        var app = NewApp();
        await UploadAsync(app);
        await app.Get<RetrainJob>().RunAsync(Model, "test", default);
        _data.AddDay();
        await UploadAsync(app);
        return (app, NewApp(app.TrainingContainer["training-".Length..], new() { ["Models:bike-demand:Gate:Floor"] = "0.9999" }));
    }

    [Fact]
    public async Task The_published_model_is_refit_on_the_held_out_days_too()
    {
        var app = NewApp();
        await UploadAsync(app);
        await app.Get<RetrainJob>().RunAsync(Model, "test", default);
        var registry = app.Get<ModelRegistry>();
        var manifest = (await registry.GetManifestAsync(Model, "0001", default))!;

        // Scored on the held-out days: the model that was judged scores exactly the manifest's
        // metrics; the refit model has trained on those days and must do better on them.
        var trainer = new ModelTrainer(new BikeDemandModel(), new TrainingOptions { MinTrainingDays = 0, HoldoutDays = 0 });
        var heldOut = trainer.Validate(LocalDataFiles.Open(_data.Folder, _data.Folder, SampleData.Format)).Where(f => f.Day >= manifest.ValidationWindow.FirstDay).ToList();
        var published = trainer.Load((await registry.DownloadModelAsync(Model, "0001", default)).ToStream());
        var metrics = trainer.Evaluate(published, heldOut);

        Assert.Equal(7 * 24, metrics.Rows);
        Assert.True(manifest.RefitOnAllData);
        Assert.True(metrics.Rmse < 0.95 * manifest.Metrics.Rmse, $"published model's RMSE on the held-out days is {metrics.Rmse:F3}, the judged model's {manifest.Metrics.Rmse:F3}: it was not refit");
    }

    [Fact]
    public async Task Retention_run_by_the_job_keeps_the_newest_versions_and_the_champion()
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var app = NewApp(suffix, ChampionSetup.LenientGate(new() { ["Registry:KeepVersions"] = "2" }));
        var strict = NewApp(suffix, new() { ["Registry:KeepVersions"] = "2", ["Models:bike-demand:Gate:Floor"] = "0.9999" });
        var registry = app.Get<ModelRegistry>();
        using var data = new SampleData(days: 21);
        await ChampionSetup.TrainVersionsAsync(app, data, 3);
        await registry.PromoteAsync(Model, "0001", "test: an old champion", null, default);
        await ChampionSetup.AddDayAsync(app, data);

        var outcome = await strict.Get<RetrainJob>().RunAsync(Model, "test", default);

        Assert.Equal(RetrainStatus.Rejected, outcome.Status);
        Assert.Equal("0004", outcome.Version);
        var versions = (await registry.ListVersionsAsync(Model, default)).Select(m => m.Version).Order(StringComparer.Ordinal);
        Assert.Equal(["0001", "0003", "0004"], versions); // the champion, and the newest two others
        Assert.False(await registry.Container.GetBlobClient(ModelRegistry.ModelBlobName(Model, "0002")).ExistsAsync());
        Assert.True(await registry.Container.GetBlobClient(ModelRegistry.ModelBlobName(Model, "0001")).ExistsAsync());
    }

    private TestApp NewApp(string? suffix = null, Dictionary<string, string?>? settings = null)
    {
        var app = TestApp.Create(azurite, settings, suffix);
        _apps.Add(app);
        return app;
    }

    private Task UploadAsync(TestApp app) =>
        app.Get<TrainingDataUploader>().UploadAsync(Model, LocalDataFiles.Open(_data.Folder, _data.Folder, SampleData.Format), overwrite: false, null, default);

    /// <summary>Every blob in the models container except the lock, with its ETag.</summary>
    private async Task<string> SnapshotAsync(TestApp app)
    {
        var container = azurite.CreateClient().GetBlobContainerClient(app.ModelsContainer);
        var lines = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.All, null, default))
        {
            if (!blob.Name.EndsWith("retrain.lock", StringComparison.Ordinal))
            {
                lines.Add($"{blob.Name} {blob.Properties.ETag}");
            }
        }

        return string.Join('\n', lines.Order(StringComparer.Ordinal));
    }

    public void Dispose()
    {
        foreach (var app in _apps)
        {
            app.Dispose();
        }

        _data.Dispose();
    }
}
