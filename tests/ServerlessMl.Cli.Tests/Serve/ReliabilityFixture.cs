using ServerlessMl.Testing;

namespace ServerlessMl.Cli.Tests.Serve;

/// <summary>
/// <see cref="ServeFixture"/> with `serve` reaching storage through a <see cref="StorageProxy"/>
/// that tests turn into a stopped or hung storage account, a short storage deadline (2 s), and a
/// gate that passes every retrain.
/// </summary>
public sealed class ReliabilityFixture : ServeFixture
{
    public const int StorageTimeoutSeconds = 2;

    /// <summary>
    /// Longest an answer may take while storage is down or hung: an order of magnitude above the
    /// deadline, so a busy machine has room, and well under what a missing deadline costs (the
    /// storage client's own network timeout on each of its tries, tens of seconds in all).
    /// </summary>
    public static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(StorageTimeoutSeconds * 10);

    public StorageProxy Proxy { get; private set; } = null!;

    /// <summary>
    /// Another serve process through the proxy with the test processes' long storage deadline, for
    /// what must succeed while storage is up: under the short deadline a busy machine turns a
    /// health check, a promotion or a retrain's first contact into a 503.
    /// </summary>
    internal Task<ServeProcess> StartPatientInstanceAsync() =>
        StartInstanceAsync(new Dictionary<string, string> { ["ModelStorage__TimeoutSeconds"] = TestApp.StorageTimeoutSeconds });

    protected override string StorageConnectionString => Proxy.ConnectionString(Azurite);

    protected override void AddSettings(Dictionary<string, string> environment)
    {
        environment["ModelStorage__TimeoutSeconds"] = StorageTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["Training__HoldoutDays"] = "7";
        environment["Training__MinTrainingDays"] = "14";
    }

    protected override Task StartingAsync()
    {
        Proxy = new StorageProxy(Azurite.Port);
        return Task.CompletedTask;
    }

    protected override async Task StoppingAsync() => await Proxy.DisposeAsync();
}
