using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using ServerlessMl.Functions.Tests.Triggers;
using ServerlessMl.Functions.Triggers;
using ServerlessMl.Http;
using ServerlessMl.Registry;
using ServerlessMl.Testing;
using Tags = ServerlessMl.Telemetry.ServerlessMlTelemetry.Tags;

namespace ServerlessMl.Functions.Tests.Telemetry;

/// <summary>
/// Every span and instrument docs/telemetry.md lists, with its tags, after the action that should emit it:
/// recorded as an exporter would see them, on a real Azurite, through the function classes.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TelemetryTests(AzuriteFixture azurite) : IDisposable
{
    private const string Model = ChampionSetup.Model;
    private const string Valid = """{"timestamp":"2011-01-24T08:00:00","weather":1,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}""";
    private readonly TestApp _app = TestApp.Create(azurite, ChampionSetup.LenientGate());
    private readonly SampleData _data = new(days: 21);

    [Fact]
    public async Task A_retrain_emits_its_span_with_one_child_per_step_and_the_retrain_metrics()
    {
        using var recorder = new TelemetryRecorder(_app.Get<IMeterFactory>());

        await ChampionSetup.TrainVersionsAsync(_app, _data, 1);

        var run = Assert.Single(recorder.SpansNamed("retrain"));
        Assert.Equal(Model, run.GetTagItem(Tags.Model));
        Assert.Equal("promoted", run.GetTagItem(Tags.Outcome));
        Assert.Equal("0001", run.GetTagItem(Tags.Version));
        Assert.Equal("test setup", run.GetTagItem(Tags.Trigger));
        var steps = recorder.Spans.Where(s => s.ParentSpanId == run.SpanId).OrderBy(s => s.StartTimeUtc).Select(s => s.OperationName);
        Assert.Equal(["reach storage", "take the lease", "read the champion", "snapshot the data", "download and validate", "train and evaluate", "compare with the champion", "refit and save", "publish", "promote", "retention"], steps);

        Assert.Single(recorder.Of("serverlessml.retrain.runs", (Tags.Model, Model), (Tags.Outcome, "promoted")));
        Assert.Single(recorder.Of("serverlessml.retrain.duration", (Tags.Model, Model), (Tags.Outcome, "promoted")));
        Assert.Equal(21 * 24, Assert.Single(recorder.Of("serverlessml.retrain.rows", (Tags.Model, Model))).Value);
    }

    [Fact]
    public async Task A_failed_retrain_is_counted_with_its_cause_and_marks_its_span_as_an_error()
    {
        await ChampionSetup.UploadAsync(_app, _data);
        await _app.Get<ServerlessMl.Training.TrainingDataSource>().Container.GetBlobClient("bike-demand/2011/01/05.csv")
            .UploadAsync(BinaryData.FromString("not,a,bike,file\n1,2,3,4\n"), overwrite: true); // past the upload's own checks
        using var recorder = new TelemetryRecorder(_app.Get<IMeterFactory>());

        var outcome = await _app.Get<ServerlessMl.Training.RetrainJob>().RunAsync(Model, "test", default);

        Assert.Equal(ServerlessMl.Training.RetrainStatus.Failed, outcome.Status);
        Assert.Single(recorder.Of("serverlessml.retrain.runs", (Tags.Model, Model), (Tags.Outcome, "failed"), (Tags.Cause, "data")));
        var run = Assert.Single(recorder.SpansNamed("retrain"));
        Assert.Equal(ActivityStatusCode.Error, run.Status);
        Assert.Equal(ActivityStatusCode.Error, Assert.Single(recorder.SpansNamed("download and validate")).Status);
    }

    [Fact]
    public async Task Predictions_emit_a_span_per_request_with_the_load_under_it_and_the_serving_metrics()
    {
        await ChampionSetup.TrainVersionsAsync(_app, _data, 1);
        using var recorder = new TelemetryRecorder(_app.Get<IMeterFactory>());

        Assert.Equal(200, (await PredictAsync(Valid)).Status);
        Assert.Equal(200, (await PredictAsync($"[{Valid},{Valid},{Valid}]")).Status);
        Assert.Equal(400, (await PredictAsync(Valid.Replace("\"weather\":1", "\"weather\":9", StringComparison.Ordinal))).Status);

        var predicts = recorder.SpansNamed("predict");
        Assert.Equal(3, predicts.Count);
        Assert.All(predicts, s => Assert.Equal(Model, s.GetTagItem(Tags.Model)));
        Assert.Equal([200, 200, 400], predicts.OrderBy(s => s.StartTimeUtc).Select(s => s.GetTagItem(Tags.StatusCode)));

        // The first request loaded the champion: refresh, load, and its three phases, under that request's span.
        var refresh = Assert.Single(recorder.SpansNamed("refresh champion"));
        Assert.Equal("changed", refresh.GetTagItem(Tags.Outcome));
        var load = Assert.Single(recorder.SpansNamed("load model"));
        Assert.Equal(refresh.SpanId, load.ParentSpanId);
        Assert.Equal(("0001", "loaded"), (load.GetTagItem(Tags.Version), load.GetTagItem(Tags.Outcome)));
        Assert.Equal(["download", "verify", "load"], recorder.Spans.Where(s => s.ParentSpanId == load.SpanId).OrderBy(s => s.StartTimeUtc).Select(s => s.OperationName));
        Assert.Contains(predicts, p => p.SpanId == refresh.ParentSpanId);

        Assert.Equal(4, recorder.Of("serverlessml.predictions", (Tags.Model, Model), (Tags.Version, "0001"), (Tags.StatusCode, 200)).Sum(m => m.Value));
        Assert.Equal(1, recorder.Of("serverlessml.predictions", (Tags.Model, Model), (Tags.StatusCode, 400)).Sum(m => m.Value));
        Assert.Equal(3, recorder.Of("serverlessml.prediction.duration", (Tags.Model, Model)).Count);
        Assert.Equal([1.0, 3.0], recorder.Of("serverlessml.prediction.batch_size", (Tags.Model, Model)).Select(m => m.Value).Order());
        Assert.Equal(2, recorder.Of("serverlessml.pool.rentals", (Tags.Model, Model)).Count);
        Assert.NotEmpty(recorder.Of("serverlessml.pool.engines_created", (Tags.Model, Model), (Tags.Version, "0001")));
        Assert.Single(recorder.Of("serverlessml.model.loads", (Tags.Model, Model), (Tags.Version, "0001"), (Tags.Outcome, "loaded")));
        Assert.Single(recorder.Of("serverlessml.model.refreshes", (Tags.Model, Model), (Tags.Outcome, "changed")));
    }

    [Fact]
    public async Task A_refused_champion_is_counted_with_its_cause()
    {
        await ChampionSetup.TrainVersionsAsync(_app, _data, 1);
        await RegistryDamage.ApplyAsync(_app.Get<ModelRegistry>().Container, Model, "0001", RegistryDamage.HashMismatch);
        using var recorder = new TelemetryRecorder(_app.Get<IMeterFactory>());

        Assert.Equal(503, (await PredictAsync(Valid)).Status);

        var refused = Assert.Single(recorder.Of("serverlessml.model.loads", (Tags.Model, Model), (Tags.Version, "0001"), (Tags.Outcome, "refused")));
        Assert.Contains("sha256", (string)refused.Tags[Tags.Cause]!, StringComparison.Ordinal);
        Assert.Equal(ActivityStatusCode.Error, Assert.Single(recorder.SpansNamed("load model")).Status);
        Assert.Single(recorder.Of("serverlessml.predictions", (Tags.Model, Model), (Tags.StatusCode, 503)));
    }

    [Fact]
    public async Task Storage_that_refuses_connections_is_counted_as_a_storage_failure_of_the_champion_check()
    {
        using var unreachable = TestApp.Create(azurite, new Dictionary<string, string?>
        {
            ["ModelStorage"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;",
            ["ModelStorage:TimeoutSeconds"] = "2",
        });
        using var recorder = new TelemetryRecorder(unreachable.Get<IMeterFactory>());

        var (status, _) = await FunctionInvoker.InvokeAsync(unreachable.Services, r => new Predict(unreachable.Get<PredictEndpoint>()).Run(r, Model, default), Valid);

        Assert.Equal(503, status);
        await WaitForAsync(() => recorder.Of("serverlessml.storage.failures", (Tags.Model, Model), (Tags.Step, "champion check")).Count > 0);
        Assert.NotEmpty(recorder.Of("serverlessml.model.refreshes", (Tags.Model, Model), (Tags.Outcome, "failed")));
    }

    private Task<FunctionResponse> PredictAsync(string json) =>
        FunctionInvoker.InvokeAsync(_app.Services, r => new Predict(_app.Get<PredictEndpoint>()).Run(r, Model, default), json);

    // The check goes on in the background after the caller's deadline; its outcome is recorded when it ends.
    private static async Task WaitForAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the awaited telemetry did not arrive within 60 s");
            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        _app.Dispose();
        _data.Dispose();
    }
}
