using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Microsoft.ML;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Monitoring;
using ServerlessMl.Testing;

namespace ServerlessMl.Core.Tests.Monitoring;

/// <summary>
/// A test app with a champion, and a log and feedback container of its own: tests write the log's
/// lines directly as the log writer would, then run the live job.
/// </summary>
internal sealed class LiveSetup(AzuriteFixture azurite, TestApp app, string logContainer, string feedbackContainer) : IDisposable
{
    public TestApp App => app;

    public LiveQualityJob Job => app.Get<LiveQualityJob>();

    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>A new app on the same registry and training containers as <paramref name="trained"/>, with its own logs and settings.</summary>
    public static LiveSetup On(AzuriteFixture azurite, TestApp trained, Dictionary<string, string?> settings, bool spam = false)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var all = new Dictionary<string, string?>(settings)
        {
            ["ModelStorage:TrainingContainer"] = trained.TrainingContainer,
            ["ModelStorage:ModelsContainer"] = trained.ModelsContainer,
            ["Monitoring:LogContainer"] = "log-" + suffix,
            ["Monitoring:FeedbackContainer"] = "feedback-" + suffix,
        };
        var app = TestApp.Create(azurite, all, models: spam ? m => m.AddModel<Models.SmsSpam.SmsSpamModel>() : null);
        return new LiveSetup(azurite, app, "log-" + suffix, "feedback-" + suffix);
    }

    public Task WriteLogAsync(string model, DateOnly day, IEnumerable<LoggedPrediction> lines, string? extra = null) =>
        WriteLinesAsync(logContainer, model, day, lines.Select(l => JsonSerializer.Serialize(l, LogJson.Options)), extra);

    public Task WriteFeedbackAsync(string model, DateOnly day, IEnumerable<FeedbackRecord> lines) =>
        WriteLinesAsync(feedbackContainer, model, day, lines.Select(l => JsonSerializer.Serialize(l, LogJson.Options)), null);

    /// <summary>Every blob name of the registry container, for checks that the job wrote only where it may.</summary>
    public async Task<List<string>> RegistryBlobsAsync()
    {
        var names = new List<string>();
        await foreach (var blob in Container(app.ModelsContainer).GetBlobsAsync())
        {
            names.Add(blob.Name);
        }

        return names;
    }

    public static LoggedPrediction Line(string id, DateOnly day, double score, IReadOnlyDictionary<string, double>? features = null, string? truthKey = null, ShadowAnswer? challenger = null, JsonNode? input = null, int item = 0) =>
        new(id, item, Noon(day), "0001", input, features ?? new Dictionary<string, double>(), truthKey, score, null, challenger);

    public static DateTimeOffset Noon(DateOnly day) => new(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);

    /// <summary>The rows of one bike drop with their truth keys and featurized measures, as the log would hold them if each hour had been asked about.</summary>
    public static List<(string Key, double Count, Dictionary<string, double> Features)> BikeHours(string path)
    {
        var model = new BikeDemandModel();
        var ml = new MLContext(seed: 1);
        var rows = ml.Data.CreateEnumerable<BikeHourRow>(ml.Data.LoadFromTextFile<BikeHourRow>(path, separatorChar: ',', hasHeader: true), reuseRowObject: false);
        return [.. rows.Select(r => (model.TruthKeyOf(r)!, (double)r.Cnt, FeatureMeasures<BikeFeatures>.Instance.Of(model.FromRow(r))))];
    }

    private async Task WriteLinesAsync(string container, string model, DateOnly day, IEnumerable<string> lines, string? extra)
    {
        var client = Container(container);
        await client.CreateIfNotExistsAsync();
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        text.Append(extra);
        var blob = LogBlobNames.Hourly(model, Noon(day), "test-" + Guid.NewGuid().ToString("N")[..8]);
        await client.GetBlobClient(blob).UploadAsync(BinaryData.FromString(text.ToString()), overwrite: true);
    }

    private BlobContainerClient Container(string name) => new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(name);

    public void Dispose() => app.Dispose();
}
