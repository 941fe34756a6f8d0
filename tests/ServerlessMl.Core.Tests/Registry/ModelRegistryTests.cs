using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Registry;
using ServerlessMl.Testing;

namespace ServerlessMl.Core.Tests.Registry;

[Collection(AzuriteCollection.Name)]
public sealed class ModelRegistryTests(AzuriteFixture azurite) : IDisposable
{
    private const string Model = BikeDemandModel.ModelName;
    private readonly SampleData _data = new(days: 21);
    private readonly List<TestApp> _apps = [];

    [Fact]
    public async Task Promote_re_points_the_champion_to_an_older_version_rollback()
    {
        var app = await AppWithVersionsAsync(3);
        var registry = app.Get<ModelRegistry>();

        await registry.PromoteAsync(Model, "0001", "rollback", null, default);

        Assert.Equal("0001", (await registry.GetChampionAsync(Model, default))?.Alias.Version);
        Assert.Equal(3, (await registry.ListVersionsAsync(Model, default)).Count); // nothing lost
    }

    [Theory]
    [InlineData("0042")]
    [InlineData("../0001")]
    [InlineData("")]
    public async Task Promoting_a_version_that_does_not_exist_fails_and_changes_nothing(string version)
    {
        var app = await AppWithVersionsAsync(1);
        var registry = app.Get<ModelRegistry>();

        await Assert.ThrowsAsync<VersionNotFoundException>(() => registry.PromoteAsync(Model, version, "typo", null, default));
        Assert.Equal("0001", (await registry.GetChampionAsync(Model, default))?.Alias.Version);
    }

    [Fact]
    public async Task A_conditional_promote_loses_to_a_champion_that_moved_meanwhile()
    {
        var app = await AppWithVersionsAsync(2);
        var registry = app.Get<ModelRegistry>();
        var seen = (await registry.GetChampionAsync(Model, default))!.Value;
        await registry.PromoteAsync(Model, "0001", "operator rollback", null, default);

        await Assert.ThrowsAsync<RegistryConflictException>(() =>
            registry.PromoteAsync(Model, "0002", "stale run", new ExpectedChampion(seen.Tag), default));
        Assert.Equal("0001", (await registry.GetChampionAsync(Model, default))?.Alias.Version);
    }

    [Fact]
    public async Task Retention_keeps_the_champion_and_the_newest_non_champion_versions()
    {
        var app = await AppWithVersionsAsync(4);
        var keepOne = TestApp.Create(azurite, new Dictionary<string, string?> { ["Registry:KeepVersions"] = "1" }, app.TrainingContainer["training-".Length..]);
        _apps.Add(keepOne);
        var registry = keepOne.Get<ModelRegistry>();
        await registry.PromoteAsync(Model, "0002", "pin an old one", null, default);

        var deleted = await registry.ApplyRetentionAsync(Model, default);

        Assert.Equal(["0003", "0001"], deleted);
        Assert.Equal(["0002", "0004"], (await registry.ListVersionsAsync(Model, default)).Select(v => v.Version));
        await Assert.ThrowsAsync<VersionNotFoundException>(() => registry.DownloadModelAsync(Model, "0001", default));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Publishing_a_version_number_that_exists_is_refused_without_touching_it(bool zipMissing)
    {
        var app = await AppWithVersionsAsync(1);
        var registry = app.Get<ModelRegistry>();
        var existing = (await registry.GetManifestAsync(Model, "0001", default))!;
        if (zipMissing)
        {
            await RegistryDamage.ApplyAsync(registry.Container, Model, "0001", RegistryDamage.MissingZip);
        }

        var before = await SnapshotAsync(registry);

        await Assert.ThrowsAsync<RegistryConflictException>(() =>
            registry.PublishVersionAsync(existing with { CreatedUtc = DateTimeOffset.UtcNow }, new MemoryStream([1, 2, 3]), default));

        Assert.Equal(before, await SnapshotAsync(registry)); // the same blobs, each with the same ETag
    }

    /// <summary>Every blob of the model's versions with its ETag.</summary>
    private static async Task<string> SnapshotAsync(ModelRegistry registry)
    {
        var lines = new List<string>();
        await foreach (var blob in registry.Container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{Model}/versions/", default))
        {
            lines.Add($"{blob.Name} {blob.Properties.ETag}");
        }

        return string.Join('\n', lines);
    }

    /// <summary>An app whose registry holds <paramref name="count"/> versions (one per new day of data).</summary>
    private async Task<TestApp> AppWithVersionsAsync(int count)
    {
        var app = TestApp.Create(azurite, ChampionSetup.LenientGate());
        _apps.Add(app);
        await ChampionSetup.TrainVersionsAsync(app, _data, count);
        return app;
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
