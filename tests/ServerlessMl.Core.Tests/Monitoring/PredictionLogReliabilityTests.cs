using ServerlessMl.Monitoring;
using ServerlessMl.Testing;

namespace ServerlessMl.Core.Tests.Monitoring;

/// <summary>
/// The log never costs a caller: a full queue drops, storage refusing or hanging loses items
/// (counted, logged once), the request id is on every answer, and shutdown writes what is queued.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PredictionLogReliabilityTests(AzuriteFixture azurite) : IDisposable
{
    private const string Valid = PredictionLogTests.Valid;
    private readonly SampleData _data = new(days: 21);

    [Fact]
    public async Task With_the_writer_stuck_on_hung_storage_a_full_queue_drops_and_counts_while_every_prediction_is_answered()
    {
        await using var proxy = new StorageProxy(azurite.Port);
        using var log = LogHarness.Create(azurite, ChampionSetup.LenientGate(new()
        {
            ["ModelStorage"] = AzuriteFixture.ConnectionStringFor(proxy.Port, azurite.TablePort),
            ["ModelStorage:TimeoutSeconds"] = "20",
            ["Monitoring:SampleRate"] = "1",
            ["Monitoring:QueueCapacity"] = "100",
            ["Monitoring:FlushSeconds"] = "1",
        }));
        using var telemetry = new TelemetryRecorder(log.App.Get<System.Diagnostics.Metrics.IMeterFactory>());
        await ChampionSetup.TrainVersionsAsync(log.App, _data, 1);
        Assert.Equal(200, (await log.PredictAsync(ChampionSetup.Model, Valid)).Status);
        proxy.Mode = ProxyMode.Hang;
        await log.Writer.StartAsync(default);

        // The writer takes the queue at once and waits on storage at its first flush: the queue fills behind it.
        Assert.True(await Eventually.HoldsAsync(() => log.App.Get<PredictionLogQueue>().Items == 0), "the writer never took the queue");
        Assert.True(await Eventually.HoldsAsync(() => proxy.Held > 0), "the writer never flushed");
        const int Requests = 300;
        for (var i = 0; i < Requests; i++)
        {
            Assert.Equal(200, (await log.PredictAsync(ChampionSetup.Model, Valid)).Status);
        }

        var full = telemetry.Of("serverlessml.log.dropped", ("serverlessml.model", "bike-demand"), ("serverlessml.cause", "queue_full")).Sum(m => m.Value);
        Assert.InRange(full, Requests - 100, Requests);
        Assert.InRange(log.App.Get<PredictionLogQueue>().Items, 1, 100);

        proxy.Mode = ProxyMode.Forward;
        await log.Writer.StopAsync(default);
        var written = telemetry.Of("serverlessml.log.items").Sum(m => m.Value);
        var lost = telemetry.Of("serverlessml.log.dropped", ("serverlessml.cause", "storage")).Sum(m => m.Value);
        Assert.Equal(Requests + 1, written + lost + full);
        Assert.Equal(written, (await log.ReadAsync()).Count);
    }

    [Fact]
    public async Task Storage_refusing_loses_the_items_it_could_not_take_counts_them_and_warns_once_then_the_log_goes_on()
    {
        await using var proxy = new StorageProxy(azurite.Port);
        using var log = LogHarness.Create(azurite, ChampionSetup.LenientGate(new()
        {
            ["ModelStorage"] = AzuriteFixture.ConnectionStringFor(proxy.Port, azurite.TablePort),
            ["Monitoring:SampleRate"] = "1",
        }));
        using var telemetry = new TelemetryRecorder(log.App.Get<System.Diagnostics.Metrics.IMeterFactory>());
        await ChampionSetup.TrainVersionsAsync(log.App, _data, 1);
        Assert.Equal(200, (await log.PredictAsync(ChampionSetup.Model, Valid)).Status);

        proxy.Mode = ProxyMode.Refuse;
        for (var flush = 0; flush < 3; flush++)
        {
            Assert.Equal(200, (await log.PredictAsync(ChampionSetup.Model, $"[{Valid},{Valid}]")).Status);
            await log.FlushAsync();
        }

        proxy.Mode = ProxyMode.Forward;
        Assert.Equal(200, (await log.PredictAsync(ChampionSetup.Model, Valid, "after-outage")).Status);
        await log.FlushAsync();

        Assert.Equal(7, telemetry.Of("serverlessml.log.dropped", ("serverlessml.model", "bike-demand"), ("serverlessml.cause", "storage")).Sum(m => m.Value));
        Assert.Equal(1, telemetry.Of("serverlessml.log.items").Sum(m => m.Value));
        Assert.Equal("after-outage", (string?)Assert.Single(await log.ReadAsync()).Line["requestId"]);
        Assert.Equal(1, log.Logs.Count(1100));
    }

    [Fact]
    public async Task Every_predict_answer_carries_the_callers_request_id_when_it_is_a_plain_token_and_a_new_one_otherwise()
    {
        using var log = LogHarness.Create(azurite, ChampionSetup.LenientGate());

        // No champion yet: a 503 carries one too, as do a 404 and a 400.
        var (status, _, id) = await log.PredictAsync(ChampionSetup.Model, Valid, "order-42");
        Assert.Equal((503, "order-42"), (status, id));
        (status, _, id) = await log.PredictAsync("no-such-model", Valid, "order-43");
        Assert.Equal((404, "order-43"), (status, id));
        (status, _, id) = await log.PredictAsync(ChampionSetup.Model, "{", "order-44");
        Assert.Equal((400, "order-44"), (status, id));

        await ChampionSetup.TrainVersionsAsync(log.App, _data, 1);
        var accepted = new[] { "a", new string('x', 64), "A.b_c:d-9" };
        foreach (var given in accepted)
        {
            Assert.Equal(given, (await log.PredictAsync(ChampionSetup.Model, Valid, given)).RequestId);
        }

        var refused = new[] { "", new string('x', 65), "two words", "semi;colon", "ünicode", "new\nline" };
        var fresh = new HashSet<string>();
        foreach (var given in refused)
        {
            var answer = await log.PredictAsync(ChampionSetup.Model, Valid, given);
            Assert.Equal(200, answer.Status);
            Assert.Matches("^[0-9a-f]{32}$", answer.RequestId);
            fresh.Add(answer.RequestId!);
        }

        Assert.Equal(refused.Length, fresh.Count);
        Assert.Matches("^[0-9a-f]{32}$", (await log.PredictAsync(ChampionSetup.Model, Valid)).RequestId);
    }

    [Fact]
    public async Task The_writer_takes_items_as_they_come_and_shutdown_writes_what_it_holds()
    {
        using var log = LogHarness.Create(azurite, ChampionSetup.LenientGate(new() { ["Monitoring:SampleRate"] = "1", ["Monitoring:FlushSeconds"] = "3600" }));
        await ChampionSetup.TrainVersionsAsync(log.App, _data, 1);
        await log.Writer.StartAsync(default);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await log.PredictAsync(ChampionSetup.Model, Valid, $"before-stop-{i}")).Status);
        }

        // Taken and made into lines as they come, held until the flush.
        Assert.True(await Eventually.HoldsAsync(() => log.App.Get<PredictionLogQueue>().Items == 0), "the writer never took the queue");
        Assert.Empty(await log.ReadAsync());
        await log.Writer.StopAsync(default);

        Assert.Equal(["before-stop-0", "before-stop-1", "before-stop-2"], (await log.ReadAsync()).Select(l => (string)l.Line["requestId"]!).Order(StringComparer.Ordinal));
    }

    public void Dispose() => _data.Dispose();
}
