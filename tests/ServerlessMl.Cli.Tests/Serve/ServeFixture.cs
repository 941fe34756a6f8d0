using ServerlessMl.Testing;

namespace ServerlessMl.Cli.Tests.Serve;

/// <summary>
/// One Azurite, a registry with two trained versions (0002 champion), and one `serve` process
/// with an API key and an admin key, shared by the tests of a class.
/// </summary>
public class ServeFixture : IAsyncLifetime
{
    public const string ApiKey = "test-function-key";
    public const string AdminKey = "test-admin-key";

    private TestApp? _app;
    private ServeProcess? _serve;

    public AzuriteFixture Azurite { get; } = new();

    public TestApp App => _app!;

    public SampleData Data { get; } = new(days: 21);

    internal ServeProcess Serve => _serve!;

    /// <summary>The connection string serve processes get (a subclass may route it through a proxy).</summary>
    protected virtual string StorageConnectionString => Azurite.ConnectionString;

    /// <summary>Environment for a serve process over this fixture's registry.</summary>
    public Dictionary<string, string> Environment(string? containerSuffix = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["ModelStorage"] = StorageConnectionString,
            ["ModelStorage__TrainingContainer"] = containerSuffix is null ? App.TrainingContainer : "training-" + containerSuffix,
            ["ModelStorage__ModelsContainer"] = containerSuffix is null ? App.ModelsContainer : "models-" + containerSuffix,
            ["Scoring__InputContainer"] = containerSuffix is null ? App.ScoringContainer : "scoring-" + containerSuffix,
            ["Scoring__PredictionsTable"] = containerSuffix is null ? App.PredictionsTable : "predictions" + containerSuffix.Replace("-", "", StringComparison.Ordinal),
            ["Serving__ModelRefreshSeconds"] = "2",
            ["Serving__RetryAfterSeconds"] = "7",
        };

        // The gate the registry's versions were decided under: under another, a retrain decides again.
        foreach (var (key, value) in ChampionSetup.LenientGate())
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
        }

        AddSettings(environment);
        return environment;
    }

    /// <summary>Another serve process over the same registry, with both keys: a cold instance.</summary>
    internal Task<ServeProcess> StartInstanceAsync(IReadOnlyDictionary<string, string>? overrides = null)
    {
        var environment = Environment();
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return ServeProcess.StartAsync(environment, "--api-key", ApiKey, "--admin-key", AdminKey);
    }

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        await StartingAsync();
        _app = TestApp.Create(Azurite, ChampionSetup.LenientGate());
        await ChampionSetup.TrainVersionsAsync(_app, Data, 2);
        _serve = await StartInstanceAsync();
    }

    public async Task DisposeAsync()
    {
        if (_serve is not null)
        {
            await _serve.DisposeAsync();
        }

        await StoppingAsync();
        _app?.Dispose();
        Data.Dispose();
        await Azurite.DisposeAsync();
    }

    /// <summary>More settings for serve processes.</summary>
    protected virtual void AddSettings(Dictionary<string, string> environment)
    {
    }

    /// <summary>Runs once Azurite is up, before anything is trained.</summary>
    protected virtual Task StartingAsync() => Task.CompletedTask;

    /// <summary>Runs once the serve process has stopped, before Azurite does.</summary>
    protected virtual Task StoppingAsync() => Task.CompletedTask;
}
