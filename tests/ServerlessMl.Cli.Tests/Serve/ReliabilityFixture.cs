using ServerlessMl.Testing;

namespace ServerlessMl.Cli.Tests.Serve;

/// <summary>
/// A registry with two trained versions on an Azurite of its own, reached by `serve` through a
/// <see cref="StorageProxy"/> that tests turn into a stopped or hung storage account. Short
/// deadlines keep the tests fast: storage timeout 2 s, champion refresh 2 s, Retry-After 7 s.
/// </summary>
public sealed class ReliabilityFixture : IAsyncLifetime
{
    public const string ApiKey = "reliability-function-key";
    public const string AdminKey = "reliability-admin-key";
    public const int StorageTimeoutSeconds = 2;

    private readonly SampleData _data = new(days: 21);
    private TestApp? _app;
    private ServeProcess? _serve;

    public AzuriteFixture Azurite { get; } = new();

    public StorageProxy Proxy { get; private set; } = null!;

    public TestApp App => _app!;

    public SampleData Data => _data;

    internal ServeProcess Serve => _serve!;

    public Dictionary<string, string> Environment() => new()
    {
        ["ModelStorage"] = Proxy.ConnectionString(Azurite),
        ["ModelStorage__TrainingContainer"] = App.TrainingContainer,
        ["ModelStorage__ModelsContainer"] = App.ModelsContainer,
        ["ModelStorage__TimeoutSeconds"] = StorageTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Serving__ModelRefreshSeconds"] = "2",
        ["Serving__RetryAfterSeconds"] = "7",
        ["Training__HoldoutDays"] = "7",
        ["Training__MinTrainingDays"] = "14",
        ["Training__MinRSquared"] = "-1",
        ["Training__MaxRmseRegression"] = "10",
    };

    /// <summary>Another serve process over the same registry and proxy: a cold instance.</summary>
    internal Task<ServeProcess> StartColdInstanceAsync() =>
        ServeProcess.StartAsync(Environment(), "--api-key", ApiKey, "--admin-key", AdminKey);

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        Proxy = new StorageProxy(Azurite.Port);
        _app = TestApp.Create(Azurite, ChampionSetup.LenientGate());
        await ChampionSetup.TrainVersionsAsync(_app, _data, 2);
        _serve = await StartColdInstanceAsync();
    }

    public async Task DisposeAsync()
    {
        if (_serve is not null)
        {
            await _serve.DisposeAsync();
        }

        await Proxy.DisposeAsync();
        _app?.Dispose();
        _data.Dispose();
        await Azurite.DisposeAsync();
    }
}
