using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ServerlessMl.Functions.Tests.Triggers;
using ServerlessMl.Functions.Triggers;
using ServerlessMl.Http;
using ServerlessMl.Monitoring;
using ServerlessMl.Testing;
using Tags = ServerlessMl.Telemetry.ServerlessMlTelemetry.Tags;

namespace ServerlessMl.Functions.Tests.Monitoring;

/// <summary>
/// Health's live reasons and the live gauges, from live days written with the live store into a
/// real Azurite, through the Health function class.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LiveHealthTests(AzuriteFixture azurite) : IDisposable
{
    private const string Model = ChampionSetup.Model;
    private static readonly DateOnly First = new(2024, 3, 1);
    private readonly Clock _clock = new();
    private readonly SampleData _data = new(days: 21);
    private TestApp? _app;

    [Fact]
    public async Task Health_is_degraded_after_the_set_days_of_drift_or_a_champion_under_the_floor_and_healthy_after_a_clean_day()
    {
        var app = App();
        await ChampionSetup.TrainVersionsAsync(app, _data, 1);
        var store = app.Get<LiveStore>();

        await store.WriteAsync(Model, LiveDays.Of(First, drift: true), default);
        await AssertHealthAsync(app, "healthy", null); // one day of two

        await store.WriteAsync(Model, LiveDays.Of(First.AddDays(1), drift: true), default);
        await AssertHealthAsync(app, "healthy", null, advance: false); // the last read is still trusted
        await AssertHealthAsync(app, "degraded", "input drift for 2 days");

        await store.WriteAsync(Model, LiveDays.Of(First.AddDays(2)), default);
        await AssertHealthAsync(app, "healthy", null);

        await store.WriteAsync(Model, LiveDays.Of(First.AddDays(3), belowFloor: true), default);
        await store.WriteAsync(Model, LiveDays.Of(First.AddDays(4), drift: true, belowFloor: true), default);
        await AssertHealthAsync(app, "degraded", "live quality under the floor for 2 days");

        // A day the live job did not record breaks the run: two faulty days apart prove nothing.
        await store.WriteAsync(Model, LiveDays.Of(First.AddDays(6), drift: true, belowFloor: true), default);
        await AssertHealthAsync(app, "healthy", null);
    }

    [Fact]
    public async Task A_models_own_DegradedAfterDays_replaces_the_default_for_it()
    {
        var app = App(new() { ["Models:bike-demand:Live:DegradedAfterDays"] = "1" });
        await ChampionSetup.TrainVersionsAsync(app, _data, 1);
        await AssertHealthAsync(app, "healthy", null); // no live days yet

        await app.Get<LiveStore>().WriteAsync(Model, LiveDays.Of(First, drift: true), default);
        await AssertHealthAsync(app, "degraded", "input drift for 1 day");
    }

    [Fact]
    public async Task The_live_gauges_report_the_newest_day_written_or_read()
    {
        var app = App();
        using var recorder = new TelemetryRecorder(app.Get<IMeterFactory>());
        await app.Get<Registry.ModelRegistry>().EnsureContainerAsync(default);
        await app.Get<LiveStore>().WriteAsync(Model, LiveDays.Of(First.AddDays(1), drift: true, challenger: true), default);
        await app.Get<LiveStore>().WriteAsync(Model, LiveDays.Of(First, belowFloor: true), default); // older: not what the gauges show

        recorder.RecordObservableInstruments();

        Assert.Equal(41.5, Assert.Single(recorder.Of("serverlessml.live.metric", (Tags.Model, Model), (Tags.Version, "0001"), (Tags.Role, "champion"), (Tags.Metric, "rmse"))).Value);
        Assert.Equal(38.25, Assert.Single(recorder.Of("serverlessml.live.metric", (Tags.Model, Model), (Tags.Version, "0002"), (Tags.Role, "challenger"))).Value);
        Assert.Equal(1.6, Assert.Single(recorder.Of("serverlessml.live.drift.worst", (Tags.Model, Model))).Value, 9);
        Assert.Equal([150.0, 150.0], recorder.Of("serverlessml.live.rows", (Tags.Model, Model)).Select(m => m.Value));

        // Another instance learns the newest day from health's read.
        using var other = TestApp.Create(azurite, containerSuffix: app.ModelsContainer["models-".Length..]);
        using var otherRecorder = new TelemetryRecorder(other.Get<IMeterFactory>());
        otherRecorder.RecordObservableInstruments();
        Assert.Empty(otherRecorder.Of("serverlessml.live.metric"));
        await other.Get<LiveHealth>().ReasonAsync(Model, default);
        otherRecorder.RecordObservableInstruments();
        Assert.Equal(41.5, Assert.Single(otherRecorder.Of("serverlessml.live.metric", (Tags.Role, "champion"))).Value);
    }

    private async Task AssertHealthAsync(TestApp app, string status, string? problem, bool advance = true)
    {
        if (advance)
        {
            _clock.Now += LiveHealth.ReadEvery + TimeSpan.FromSeconds(1);
        }

        var (code, body) = await FunctionInvoker.InvokeAsync(app.Services, r => new Health(app.Get<HealthEndpoint>()).Run(r, default), null, method: "GET");
        Assert.Equal(200, code);
        Assert.Equal(status, body.GetProperty("status").GetString());
        var model = Assert.Single(body.GetProperty("models").EnumerateArray());
        Assert.Equal(problem, model.TryGetProperty("problem", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null);
        Assert.NotEqual("cannot serve", model.GetProperty("state").GetString()); // live quality never stops serving
    }

    private TestApp App(Dictionary<string, string?>? more = null)
    {
        _app = TestApp.Create(azurite, ChampionSetup.LenientGate(more), configure: s => s.AddSingleton<TimeProvider>(_clock));
        return _app;
    }

    public void Dispose()
    {
        _app?.Dispose();
        _data.Dispose();
    }

    /// <summary>Real time until a test moves it on: health's reads are trusted for minutes.</summary>
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
