using ServerlessMl.Testing;
using ServerlessMl.Training;

namespace ServerlessMl.Core.Tests.Training;

/// <summary>A run trains on the files as it listed them: a drop replaced or removed after the listing stops the download.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TrainingDataSourceTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TestApp _app = TestApp.Create(azurite);
    private readonly SampleData _data = new(days: 3);
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "serverless-ml-tests", Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_file_changed_or_removed_after_the_listing_is_not_downloaded(bool remove)
    {
        await ChampionSetup.UploadAsync(_app, _data);
        var source = _app.Get<TrainingDataSource>();
        var listing = await source.ListAsync(ChampionSetup.Model, default);
        var changed = source.Container.GetBlobClient(listing[1].Name);
        if (remove)
        {
            await changed.DeleteAsync();
        }
        else
        {
            await changed.UploadAsync(BinaryData.FromString(File.ReadAllText(Directory.GetFiles(_data.Folder).Order(StringComparer.Ordinal).ElementAt(1))), overwrite: true);
        }

        var error = await Assert.ThrowsAsync<DataChangedException>(() => source.DownloadAsync(listing, _scratch, default));

        Assert.Contains(listing[1].Name, error.Message, StringComparison.Ordinal);
        var fresh = await source.DownloadAsync(await source.ListAsync(ChampionSetup.Model, default), _scratch, default);
        Assert.Equal(remove ? 2 : 3, fresh.Count); // a new listing reads what is there now
    }

    public void Dispose()
    {
        _app.Dispose();
        _data.Dispose();
        if (Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }
}
