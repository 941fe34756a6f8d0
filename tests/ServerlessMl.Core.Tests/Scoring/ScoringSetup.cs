using Azure.Data.Tables;
using Azure.Storage.Blobs;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Scoring;
using ServerlessMl.Testing;

namespace ServerlessMl.Core.Tests.Scoring;

/// <summary>A test app with a bike champion, and what a scoring test does to its storage: drops in, rows out.</summary>
internal sealed class ScoringSetup(AzuriteFixture azurite, TestApp app) : IDisposable
{
    public const string Model = BikeDemandModel.ModelName;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "serverless-ml-tests", Guid.NewGuid().ToString("N"));

    public TestApp App => app;

    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    public ScoringJob Job => app.Get<ScoringJob>();

    public static async Task<ScoringSetup> WithChampionsAsync(AzuriteFixture azurite, int versions = 1, Dictionary<string, string?>? settings = null)
    {
        var app = TestApp.Create(azurite, ChampionSetup.LenientGate(settings));
        using var data = new SampleData(days: 30);
        await ChampionSetup.TrainVersionsAsync(app, data, versions);
        return new ScoringSetup(azurite, app);
    }

    /// <summary>Uploads a forecast of <paramref name="hours"/> hours as a scoring drop of <paramref name="day"/>; returns its blob name.</summary>
    public Task<string> DropForecastAsync(DateOnly day, int hours = 48, string? name = null, int seed = 42, Func<string, string>? edit = null)
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".csv");
        SyntheticBikeData.WriteForecast(path, new DateTime(2011, 2, 1, 0, 0, 0), hours, seed);
        if (edit is not null)
        {
            File.WriteAllText(path, edit(File.ReadAllText(path)));
        }

        return UploadAsync(Storage.DailyBlobName.For(Model, day, "csv", name), path);
    }

    public async Task<string> UploadAsync(string blobName, string localPath)
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(app.ScoringContainer);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient(blobName).UploadAsync(localPath, overwrite: true);
        return blobName;
    }

    /// <summary>Every stored prediction of the model, by key.</summary>
    public Dictionary<string, TableEntity> StoredRows()
    {
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient(app.PredictionsTable);
        return table.Query<TableEntity>().ToDictionary(e => e.GetString(PredictionTable.KeyProperty));
    }

    public void Dispose()
    {
        app.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
