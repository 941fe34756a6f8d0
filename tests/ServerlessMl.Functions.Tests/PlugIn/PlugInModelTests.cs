using Microsoft.AspNetCore.Http;
using ServerlessMl.Functions.Tests.Triggers;
using ServerlessMl.Functions.Triggers;
using ServerlessMl.Http;
using ServerlessMl.Registry;
using ServerlessMl.Testing;
using ServerlessMl.Training;

namespace ServerlessMl.Functions.Tests.PlugIn;

/// <summary>
/// The README's "Adding a model", done from a test assembly: a model Core has never heard of is
/// registered with one line, trained from its drops on Azurite by the timer, and served by the
/// same function classes.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PlugInModelTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TestApp _app = TestApp.Create(azurite, models: m => m.AddModel<LineFitModel>());
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "serverless-ml-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_model_declared_outside_the_app_trains_gates_publishes_and_serves()
    {
        LineFitModel.WriteDays(_folder, new DateOnly(2026, 1, 1), days: 21);
        var definition = _app.Get<ServerlessMl.Definitions.ModelCatalog>().Get(LineFitModel.ModelName);
        await _app.Get<TrainingDataUploader>().UploadAsync(LineFitModel.ModelName, LocalDataFiles.Open(_folder, _folder, definition.Format), false, null, default);

        await new RetrainModel(_app.Get<RetrainJob>(), Microsoft.Extensions.Logging.Abstractions.NullLogger<RetrainModel>.Instance)
            .Run(new Microsoft.Azure.Functions.Worker.TimerInfo(), default);

        var registry = _app.Get<ModelRegistry>();
        Assert.Equal("0001", (await registry.GetChampionAsync(LineFitModel.ModelName, default))?.Alias.Version);
        var manifest = (await registry.GetManifestAsync(LineFitModel.ModelName, "0001", default))!;
        Assert.True(manifest.Metrics.RSquared > 0.99, manifest.Metrics.ToString());
        Assert.Equal(["line-fit/2026/01/01.csv"], manifest.Data.Blobs.Take(1).Select(b => b.Name));

        var predict = new Predict(_app.Get<PredictEndpoint>());
        var (status, body) = await InvokeAsync(r => predict.Run(r, LineFitModel.ModelName, default), """{"x":10}""");
        Assert.Equal(200, status);
        Assert.Equal(37, body.GetProperty("prediction").GetDouble(), 10.0); // 3 x 10 + 7, in y's units (the range is 7-307)

        (status, body) = await InvokeAsync(r => predict.Run(r, LineFitModel.ModelName, default), """[{"x":0},{"x":100}]""");
        Assert.Equal(200, status);
        var both = body.GetProperty("predictions").EnumerateArray().Select(p => p.GetDouble()).ToArray();
        Assert.Equal(7, both[0], 10.0);
        Assert.Equal(307, both[1], 10.0);

        (status, body) = await InvokeAsync(r => predict.Run(r, LineFitModel.ModelName, default), """{"x":-1}""");
        Assert.Equal(400, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("x", out _), body.ToString());

        (status, body) = await InvokeAsync(r => new GetModel(_app.Get<ModelsEndpoint>()).Run(r, LineFitModel.ModelName, default), null, "GET");
        Assert.Equal(200, status);
        Assert.Equal("0001", body.GetProperty("champion").GetProperty("version").GetString());
    }

    [Fact]
    public async Task A_drop_the_trainer_cannot_fit_fails_the_run_as_a_422_naming_the_step_and_stores_nothing()
    {
        using var app = TestApp.Create(azurite, models: m => m.AddModel<UnfittableLineModel>());
        LineFitModel.WriteDays(_folder, new DateOnly(2026, 1, 1), days: 21);
        var last = Path.Combine(_folder, "2026-01-21.csv");
        File.WriteAllLines(last, File.ReadAllLines(last).Select((line, i) => i == 0 ? line : line[..line.IndexOf(',', StringComparison.Ordinal)] + ",666,2005"));
        const string model = UnfittableLineModel.UnfittableName;
        var definition = app.Get<ServerlessMl.Definitions.ModelCatalog>().Get(model);
        await app.Get<TrainingDataUploader>().UploadAsync(model, LocalDataFiles.Open(_folder, _folder, definition.Format), false, null, default);

        var (status, body) = await FunctionInvoker.InvokeAsync(app.Services, r => new RetrainModelNow(app.Get<RetrainEndpoint>()).Run(r, model, default), null);

        Assert.True(status == 422, body.ToString());
        Assert.Equal("training", body.GetProperty("failure").GetString());
        Assert.Contains("the trainer failed at step 'train and evaluate'", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var registry = app.Get<ModelRegistry>();
        Assert.Null(await registry.GetChampionAsync(model, default));
        Assert.Null(await registry.GetLatestVersionAsync(model, default));
    }

    private Task<FunctionResponse> InvokeAsync(Func<HttpRequest, Task<IResult>> function, string? json, string method = "POST") =>
        FunctionInvoker.InvokeAsync(_app.Services, function, json, "application/json", method);

    public void Dispose()
    {
        _app.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
