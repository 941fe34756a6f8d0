using ServerlessMl.Testing;

namespace ServerlessMl.Cli.Tests.Serve;

/// <summary>
/// One Azurite, a registry with two trained versions (0002 champion), and one `serve` process
/// with an API key and an admin key, shared by the HTTP contract tests.
/// </summary>
public sealed class ServeFixture : IAsyncLifetime
{
    public const string ApiKey = "test-function-key";
    public const string AdminKey = "test-admin-key";

    private readonly SampleData _data = new(days: 21);
    private TestApp? _app;
    private ServeProcess? _serve;

    public AzuriteFixture Azurite { get; } = new();

    public TestApp App => _app!;

    internal ServeProcess Serve => _serve!;

    /// <summary>Environment for a serve process over this fixture's registry.</summary>
    public Dictionary<string, string> Environment(string? containerSuffix = null) => new()
    {
        ["ModelStorage"] = Azurite.ConnectionString,
        ["ModelStorage__TrainingContainer"] = containerSuffix is null ? App.TrainingContainer : "training-" + containerSuffix,
        ["ModelStorage__ModelsContainer"] = containerSuffix is null ? App.ModelsContainer : "models-" + containerSuffix,
        ["Serving__ModelRefreshSeconds"] = "2",
        ["Serving__RetryAfterSeconds"] = "7",
    };

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        _app = TestApp.Create(Azurite, ChampionSetup.LenientGate());
        await ChampionSetup.TrainVersionsAsync(_app, _data, 2);
        _serve = await ServeProcess.StartAsync(Environment(), "--api-key", ApiKey, "--admin-key", AdminKey);
    }

    public async Task DisposeAsync()
    {
        if (_serve is not null)
        {
            await _serve.DisposeAsync();
        }

        _app?.Dispose();
        _data.Dispose();
        await Azurite.DisposeAsync();
    }
}
