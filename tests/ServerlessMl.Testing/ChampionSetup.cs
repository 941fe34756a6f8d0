using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Training;

namespace ServerlessMl.Testing;

/// <summary>Puts trained versions into a test app's registry: one per call, each on one more day of data.</summary>
public static class ChampionSetup
{
    public const string Model = BikeDemandModel.ModelName;

    /// <summary>Trains <paramref name="count"/> versions (0001..) on <paramref name="data"/>, adding a day before each after the first; the last is champion.</summary>
    public static async Task TrainVersionsAsync(TestApp app, SampleData data, int count)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(data);
        var job = app.Get<RetrainJob>();
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                data.AddDay();
            }

            await UploadAsync(app, data);
            var outcome = await job.RunAsync(Model, "test setup", default);
            if (outcome.Status != RetrainStatus.Promoted)
            {
                throw new InvalidOperationException($"setup expected a promotion, got {outcome.Status}: {string.Join("; ", outcome.Reasons)}");
            }
        }
    }

    /// <summary>Uploads every day of <paramref name="data"/> not yet in the app's training container.</summary>
    public static async Task UploadAsync(TestApp app, SampleData data)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(data);
        await app.Get<TrainingDataUploader>().UploadAsync(Model, LocalDataFiles.Open(data.Folder, data.Folder, SampleData.Format), false, null, default);
    }

    /// <summary>Adds the next day to <paramref name="data"/> and uploads it: new data for a retrain.</summary>
    public static Task AddDayAsync(TestApp app, SampleData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.AddDay();
        return UploadAsync(app, data);
    }

    /// <summary>
    /// Rewrites every version's manifest as if an older release, with other trainer parameters,
    /// had built it: the retrain job then has a recipe to compare against instead of a known tie.
    /// </summary>
    public static async Task MarkVersionsBuiltByAnotherRecipeAsync(TestApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var registry = app.Get<Registry.ModelRegistry>();
        foreach (var version in await registry.ListVersionsAsync(Model, default))
        {
            var blob = registry.Container.GetBlobClient(Registry.ModelRegistry.ManifestBlobName(Model, version.Version));
            var manifest = System.Text.Json.Nodes.JsonNode.Parse((await blob.DownloadContentAsync()).Value.Content.ToString())!;
            manifest["trainer"]!["parameters"]!["lightGbm.learningRate"] = "0.05";
            await blob.UploadAsync(BinaryData.FromString(manifest.ToJsonString()), overwrite: true);
        }
    }

    /// <summary>Settings that let every retrain pass the gate, so setup can make versions at will.</summary>
    public static Dictionary<string, string?> LenientGate(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["Models:bike-demand:Gate:Floor"] = "-1", ["Models:bike-demand:Gate:MaxRegression"] = "10" };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A Monday-morning request the bike model can answer.</summary>
    public static BikeDemandRequest Request(int hour = 8) => new()
    {
        Timestamp = new DateTimeOffset(2011, 1, 24, hour, 0, 0, TimeSpan.Zero),
        Weather = 1,
        TemperatureC = 6,
        FeelsLikeC = 3,
        Humidity = 60,
        WindSpeedKmh = 12,
    };
}
