using ServerlessMl.Definitions;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.ML;
using ServerlessMl.Functions.Triggers;
using ServerlessMl.Http;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Registry;
using ServerlessMl.Testing;

namespace ServerlessMl.Functions.Tests.Triggers;

/// <summary>
/// The HTTP function classes invoked directly, as the worker invokes them, on a real Azurite:
/// the same contract as `serve`, through the Functions side of the shared handlers.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class HttpFunctionsTests(AzuriteFixture azurite) : IDisposable
{
    private const string Valid = """{"timestamp":"2011-01-24T08:00:00","weather":1,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}""";
    private readonly TestApp _app = TestApp.Create(azurite, ChampionSetup.LenientGate(new() { ["Serving:MaxBodyBytes"] = "4096", ["Serving:MaxBatch"] = "3" }));
    private readonly SampleData _data = new(days: 21);

    [Fact]
    public async Task Predict_covers_200_400_404_413_415_and_503()
    {
        var predict = new Predict(_app.Get<PredictEndpoint>());

        var (status, body) = await InvokeAsync(r => predict.Run(r, "bike-demand", default), Valid);
        Assert.Equal(503, status); // no champion yet
        Assert.Contains("no champion", body.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await ChampionSetup.TrainVersionsAsync(_app, _data, 1);
        (status, body) = await InvokeAsync(r => predict.Run(r, "bike-demand", default), Valid);
        Assert.Equal(200, status);
        Assert.Equal("0001", body.GetProperty("version").GetString());

        (status, _) = await InvokeAsync(r => predict.Run(r, "bike-demand", default), $"[{Valid},{Valid}]");
        Assert.Equal(200, status);
        (status, _) = await InvokeAsync(r => predict.Run(r, "bike-demand", default), Valid.Replace("\"weather\":1", "\"weather\":0", StringComparison.Ordinal));
        Assert.Equal(400, status);
        (status, _) = await InvokeAsync(r => predict.Run(r, "unknown", default), Valid);
        Assert.Equal(404, status);
        (status, _) = await InvokeAsync(r => predict.Run(r, "bike-demand", default), $"[{Valid},{Valid},{Valid},{Valid}]");
        Assert.Equal(413, status);
        (status, _) = await InvokeAsync(r => predict.Run(r, "bike-demand", default), new string(' ', 5000) + Valid);
        Assert.Equal(413, status);
        (status, _) = await InvokeAsync(r => predict.Run(r, "bike-demand", default), Valid, "text/csv");
        Assert.Equal(415, status);
    }

    [Fact]
    public async Task A_models_own_request_limits_replace_the_global_ones_for_it_alone()
    {
        using var app = TestApp.Create(azurite, new Dictionary<string, string?>
        {
            ["Serving:MaxBatch"] = "5",
            ["Models:bike-demand:MaxBatch"] = "2",
            ["Models:bike-demand:MaxBodyBytes"] = "2048",
            ["Models:sms-spam:MaxTextLength"] = "20",
        }, models: m => m.AddModel<ServerlessMl.Models.SmsSpam.SmsSpamModel>());
        var predict = new Predict(app.Get<PredictEndpoint>());
        Task<FunctionResponse> Send(string model, string json) => FunctionInvoker.InvokeAsync(app.Services, r => predict.Run(r, model, default), json, "application/json");

        var (status, body) = await Send("bike-demand", $"[{Valid},{Valid},{Valid}]");
        Assert.Equal(413, status);
        Assert.Contains("the limit is 2", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        (status, _) = await Send("bike-demand", new string(' ', 2100) + Valid);
        Assert.Equal(413, status);

        // Validation comes before the model is needed: with no spam champion, valid input is a 503.
        (status, body) = await Send("sms-spam", "{\"text\":\"twenty-one characters\"}");
        Assert.Equal(400, status);
        Assert.Contains("at most 20 characters", body.GetProperty("errors").GetProperty("text")[0].GetString(), StringComparison.Ordinal);
        var four = string.Join(',', Enumerable.Repeat("{\"text\":\"win a prize now\"}", 4));
        (status, _) = await Send("sms-spam", $"[{four}]");
        Assert.Equal(503, status); // four items pass the global MaxBatch of 5; bike's 2 is bike's alone
    }

    [Fact]
    public async Task Predict_answers_in_rentals_each_item_as_the_champion_scores_it()
    {
        await ChampionSetup.TrainVersionsAsync(_app, _data, 1);
        var hours = new[] { 8, 3, 17 };
        var batch = "[" + string.Join(',', hours.Select(h => Valid.Replace("T08:", $"T{h:D2}:", StringComparison.Ordinal))) + "]";

        var (status, body) = await InvokeAsync(r => new Predict(_app.Get<PredictEndpoint>()).Run(r, "bike-demand", default), batch);

        Assert.Equal(200, status);
        var served = body.GetProperty("predictions").EnumerateArray().Select(p => p.GetDouble()).ToArray();

        // The expectation is made here, not by the model definition: the champion's own bytes
        // scored by a plain engine, and the log(1 + rentals) label mapped back by this test.
        var ml = new MLContext(seed: 0);
        var zip = await _app.Get<ModelRegistry>().DownloadModelAsync("bike-demand", "0001", default);
        var model = ml.Model.Load(zip.ToStream(), out _);
        using var engine = ml.Model.CreatePredictionEngine<BikeFeatures, RegressionScore>(model);
        var expected = hours
            .Select(h => engine.Predict(BikeFeaturizer.Featurize(BikeFeaturizer.FromRequest(ChampionSetup.Request(h)))).Score)
            .Select(score => Math.Max(0, Math.Exp(score) - 1))
            .ToArray();
        Assert.Equal(hours.Length, served.Length);
        for (var i = 0; i < hours.Length; i++)
        {
            Assert.Equal(expected[i], served[i], 0.006);
        }

        Assert.Equal(hours.Length, served.Distinct().Count()); // so an answer in another order would fail
        Assert.True(served[0] > 20, $"08:00 on a Monday is tens of rentals in the sample data, not {served[0]}"); // not log units (0-7)
    }

    [Fact]
    public async Task Models_promote_and_health_answer_through_their_function_classes()
    {
        await ChampionSetup.TrainVersionsAsync(_app, _data, 2);

        var (status, body) = await InvokeAsync(r => new ListModels(_app.Get<ModelsEndpoint>()).Run(r, default), null, method: "GET");
        Assert.Equal(200, status);
        Assert.Equal("0002", body.GetProperty("models")[0].GetProperty("champion").GetProperty("version").GetString());
        (status, _) = await InvokeAsync(r => new GetModel(_app.Get<ModelsEndpoint>()).Run(r, "nope", default), null, method: "GET");
        Assert.Equal(404, status);

        var promote = new PromoteModel(_app.Get<PromoteEndpoint>());
        (status, body) = await InvokeAsync(r => promote.Run(r, "bike-demand", default), """{"version":"0001"}""");
        Assert.Equal(200, status);
        Assert.Equal("0001", body.GetProperty("servingVersion").GetString());
        Assert.Equal(0, _app.Get<ServerlessMl.Serving.ModelPool>().Counters.ModelDownloads); // serves the model the promotion verified
        (status, _) = await InvokeAsync(r => promote.Run(r, "bike-demand", default), """{"version":"0042"}""");
        Assert.Equal(404, status);
        (status, _) = await InvokeAsync(r => promote.Run(r, "bike-demand", default), """{"v":"0001"}""");
        Assert.Equal(400, status);

        (status, body) = await InvokeAsync(r => new Health(_app.Get<HealthEndpoint>()).Run(r, default), null, method: "GET");
        Assert.Equal(200, status);
        Assert.Equal("reachable", body.GetProperty("storage").GetString());
        Assert.Equal("0001", body.GetProperty("models")[0].GetProperty("loadedVersion").GetString());
    }

    [Fact]
    public async Task OpenApi_answers_the_document_through_its_function_class()
    {
        var openApi = new OpenApi(_app.Get<OpenApiEndpoint>());

        var (status, body) = await InvokeAsync(r => Task.FromResult(openApi.Run(r)), null, method: "GET");

        Assert.Equal(200, status);
        Assert.StartsWith("3.0.", body.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.True(body.GetProperty("paths").TryGetProperty("/api/models/bike-demand/predict", out _), "the predict path of the registered model is in the document");
    }

    [Fact]
    public async Task An_unreadable_manifest_is_a_422_on_promote_is_left_out_of_listings_and_is_reported_by_GetModel()
    {
        await ChampionSetup.TrainVersionsAsync(_app, _data, 2);
        var registry = _app.Get<ModelRegistry>();
        await registry.Container.GetBlobClient(ModelRegistry.ManifestBlobName("bike-demand", "0001")).UploadAsync(BinaryData.FromString("{\"model\": "), overwrite: true);

        var (status, body) = await InvokeAsync(r => new PromoteModel(_app.Get<PromoteEndpoint>()).Run(r, "bike-demand", default), """{"version":"0001"}""");

        Assert.Equal(422, status);
        Assert.Contains("not valid JSON", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("cannot serve", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("0002", (await registry.GetChampionAsync("bike-demand", default))!.Value.Alias.Version);
        Assert.Equal(["0002"], (await registry.ListVersionsAsync("bike-demand", default)).Select(m => m.Version)); // listed without the damaged one

        await registry.Container.GetBlobClient(ModelRegistry.ManifestBlobName("bike-demand", "0002")).UploadAsync(BinaryData.FromString("not json"), overwrite: true);
        (status, body) = await InvokeAsync(r => new GetModel(_app.Get<ModelsEndpoint>()).Run(r, "bike-demand", default), null, method: "GET");
        Assert.Equal(200, status); // the champion's manifest is damaged: said, not a 500
        Assert.Contains("not valid JSON", body.GetProperty("registryError").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_is_healthy_degraded_or_unhealthy_as_each_model_can_serve()
    {
        var health = new Health(_app.Get<HealthEndpoint>());
        var registry = _app.Get<ModelRegistry>();

        // Not trained yet: nothing to serve, but no fault of the instance.
        AssertHealth(await InvokeAsync(r => health.Run(r, default), null, method: "GET"), 200, "degraded", state: "cannot serve", problem: "no champion is set");

        await ChampionSetup.TrainVersionsAsync(_app, _data, 1);
        AssertHealth(await InvokeAsync(r => health.Run(r, default), null, method: "GET"), 200, "healthy", state: "ready (loads on first request)", problem: null);

        await InvokeAsync(r => new Predict(_app.Get<PredictEndpoint>()).Run(r, "bike-demand", default), Valid);
        AssertHealth(await InvokeAsync(r => health.Run(r, default), null, method: "GET"), 200, "healthy", state: "serving", problem: null);

        // Serving from memory while the alias is gone or damaged: still answering, but something is off.
        await registry.Container.GetBlobClient(ModelRegistry.ChampionBlobName("bike-demand")).DeleteAsync();
        AssertHealth(await InvokeAsync(r => health.Run(r, default), null, method: "GET"), 200, "degraded", state: "serving", problem: "no champion is set");
        await registry.Container.GetBlobClient(ModelRegistry.ChampionBlobName("bike-demand")).UploadAsync(BinaryData.FromString("{"), overwrite: true);
        AssertHealth(await InvokeAsync(r => health.Run(r, default), null, method: "GET"), 200, "degraded", state: "serving", problem: "the champion alias is damaged");
    }

    private static void AssertHealth(FunctionResponse response, int status, string overall, string state, string? problem)
    {
        Assert.Equal(status, response.Status);
        Assert.Equal(overall, response.Body.GetProperty("status").GetString());
        var model = Assert.Single(response.Body.GetProperty("models").EnumerateArray());
        Assert.Equal(state, model.GetProperty("state").GetString());
        Assert.Equal(problem, model.TryGetProperty("problem", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null);
    }

    [Theory]
    [InlineData(RegistryDamage.HashMismatch, "sha256")]
    [InlineData(RegistryDamage.CorruptZip, "cannot be loaded")]
    [InlineData(RegistryDamage.MissingZip, "no model.zip")]
    [InlineData(RegistryDamage.ShortSchemaHash, "inputSchemaHash")]
    [InlineData(RegistryDamage.OtherSchema, "another input schema")]
    public async Task Promote_refuses_a_version_that_cannot_serve_unless_forced_and_health_then_says_503(string damage, string reason)
    {
        await ChampionSetup.TrainVersionsAsync(_app, _data, 2);
        var registry = _app.Get<ModelRegistry>();
        await RegistryDamage.ApplyAsync(registry.Container, "bike-demand", "0001", damage);
        var promote = new PromoteModel(_app.Get<PromoteEndpoint>());

        var (status, body) = await InvokeAsync(r => promote.Run(r, "bike-demand", default), """{"version":"0001"}""");
        Assert.Equal(422, status);
        Assert.Contains(reason, body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("0002", (await registry.GetChampionAsync("bike-demand", default))!.Value.Alias.Version); // the alias did not move

        (status, body) = await InvokeAsync(r => promote.Run(r, "bike-demand", default), """{"version":"0001","force":true}""");
        Assert.Equal(200, status);
        Assert.True(body.GetProperty("forced").GetBoolean());
        var alias = (await registry.GetChampionAsync("bike-demand", default))!.Value.Alias;
        Assert.Equal("0001", alias.Version);
        Assert.Contains("forced", alias.Reason, StringComparison.Ordinal);

        // This instance never loaded a model: it cannot serve the forced champion, and says so.
        (status, body) = await InvokeAsync(r => new Health(_app.Get<HealthEndpoint>()).Run(r, default), null, method: "GET");
        Assert.Equal(503, status);
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
        Assert.Equal("champion version 0001 cannot be loaded", body.GetProperty("models")[0].GetProperty("problem").GetString());
    }

    private Task<FunctionResponse> InvokeAsync(Func<HttpRequest, Task<IResult>> function, string? json, string contentType = "application/json", string method = "POST") =>
        FunctionInvoker.InvokeAsync(_app.Services, function, json, contentType, method);

    public void Dispose()
    {
        _app.Dispose();
        _data.Dispose();
    }
}
