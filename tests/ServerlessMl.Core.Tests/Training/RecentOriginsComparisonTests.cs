using Microsoft.ML;
using ServerlessMl.Definitions;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Registry;
using ServerlessMl.Testing;
using ServerlessMl.Training;

namespace ServerlessMl.Core.Tests.Training;

/// <summary>Which version scores which day in the gate's small backtest, on local files (no storage).</summary>
public sealed class RecentOriginsComparisonTests : IDisposable
{
    private static readonly IModelDefinition Definition = new BikeDemandModel();
    private readonly SampleData _data = new(24);

    [Fact]
    public async Task Each_day_is_scored_by_the_newest_passing_version_of_this_schema_trained_before_it()
    {
        var (trainer, files) = Files();
        var model = trainer.Fit([.. files.Take(20)]);
        var day = (int i) => files[i].Day;
        ModelManifest[] versions =
        [
            Manifest("0001", lastDay: day(20)),
            Manifest("0002", lastDay: day(21), passed: false),              // rejected: never served
            Manifest("0003", lastDay: day(22), schema: new string('a', 64)), // another schema: cannot be loaded here
        ];
        var loaded = new List<string>();

        var comparison = await RecentOriginsComparison.RunAsync(trainer, Definition, files, versions, "0001", 3, (v, _) =>
        {
            loaded.Add(v);
            return Task.FromResult<ITransformer?>(model);
        }, default);

        Assert.NotNull(comparison);
        Assert.Equal(new DayRange(day(21), day(23), 3), comparison.Window);
        Assert.Equal(["0001"], comparison.ServedBy);
        Assert.Equal(["0001"], loaded); // loaded once, for all three days
        Assert.Equal(3 * 24, comparison.Candidate.Rows);
        Assert.Equal(3 * 24, comparison.Champion.Rows);
    }

    [Fact]
    public async Task A_day_with_no_version_before_it_or_one_that_cannot_load_is_left_out()
    {
        var (trainer, files) = Files();
        var model = trainer.Fit([.. files.Take(20)]);
        ModelManifest[] versions = [Manifest("0001", lastDay: files[21].Day), Manifest("0002", lastDay: files[22].Day)];

        var comparison = await RecentOriginsComparison.RunAsync(trainer, Definition, files, versions, "0002", 4, (v, _) =>
            Task.FromResult(v == "0002" ? null : (ITransformer?)model), default);

        // Days 20 and 21 have no version trained before them; day 23's version 0002 cannot load.
        Assert.NotNull(comparison);
        Assert.Equal(new DayRange(files[22].Day, files[22].Day, 1), comparison.Window);
        Assert.Equal(["0001"], comparison.ServedBy);

        Assert.Null(await RecentOriginsComparison.RunAsync(trainer, Definition, files, versions, "0002", 2, (_, _) => Task.FromResult<ITransformer?>(null), default));
    }

    [Fact]
    public async Task A_day_whose_serving_version_this_recipe_would_fit_again_is_left_out_without_a_fit()
    {
        var (trainer, files) = Files();
        var model = trainer.Fit([.. files.Take(20)]);
        // 0001 was built by this recipe from exactly days 0-21: refitting it for day 22 would tie.
        var rebuilt = Manifest("0001", lastDay: files[21].Day) with
        {
            Data = new DataSnapshot([.. files.Take(22).Select(f => new DataBlob(f.BlobName, f.ETag, f.Day, f.Rows, f.Sha256))], 22 * 24, new string('c', 64), files[0].Day, files[21].Day),
        };
        ModelManifest[] versions = [Manifest("0000", lastDay: files[20].Day), rebuilt];

        var comparison = await RecentOriginsComparison.RunAsync(trainer, Definition, files, versions, "0001", 3, (_, _) => Task.FromResult<ITransformer?>(model), default);

        // Day 21 by 0000 (not this recipe's rebuild: its manifest lists no files), day 23 by 0001
        // (day 22 is new to it); day 22 would only tie and is left out.
        Assert.NotNull(comparison);
        Assert.Equal(2, comparison.Window.Days);
        Assert.Equal(["0000", "0001"], comparison.ServedBy);
        Assert.Equal(2 * 24, comparison.Candidate.Rows);
    }

    public void Dispose() => _data.Dispose();

    private (ModelTrainer Trainer, IReadOnlyList<DataFile> Files) Files()
    {
        var trainer = new ModelTrainer(Definition, new TrainingOptions { MinTrainingDays = 0, HoldoutDays = 0 });
        return (trainer, trainer.Validate(LocalDataFiles.Open(_data.Folder, _data.Folder, SampleData.Format)).OrderBy(f => f.Day).ToList());
    }

    private static ModelManifest Manifest(string version, DateOnly lastDay, bool passed = true, string? schema = null) => new()
    {
        Model = Definition.Name,
        Version = version,
        CreatedUtc = DateTimeOffset.UnixEpoch,
        Trainer = Definition.Trainer,
        Metrics = RegressionMetrics.Of(0.9, 50, 30, 24),
        ValidationWindow = new DayRange(lastDay, lastDay, 1),
        Gate = new GateDecision(passed, []),
        RefitOnAllData = true,
        Data = new DataSnapshot([], 24, new string('c', 64), SampleData.FirstDay, lastDay),
        InputSchemaHash = schema ?? Definition.InputSchemaHash,
        MlNetVersion = ManifestFactory.MlNetVersion,
        AppVersion = "test",
        ModelFile = new ModelFile(new string('e', 64), 1234),
    };
}
