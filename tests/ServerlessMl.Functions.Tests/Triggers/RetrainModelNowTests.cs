using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ServerlessMl.Functions.Triggers;
using ServerlessMl.Http;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Registry;
using ServerlessMl.Testing;
using ServerlessMl.Training;

namespace ServerlessMl.Functions.Tests.Triggers;

/// <summary>The function class invoked directly, as the worker would, over a real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RetrainModelNowTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TestApp _app = TestApp.Create(azurite);
    private readonly SampleData _data = new(days: 21);

    [Fact]
    public async Task Retrains_and_returns_the_outcome_as_json()
    {
        await _app.Get<TrainingDataUploader>().UploadAsync(BikeDemandModel.ModelName, LocalDataFiles.Open(_data.Folder, _data.Folder, SampleData.Format), false, null, default);

        var (status, body) = await InvokeAsync(BikeDemandModel.ModelName);

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal("promoted", body.GetProperty("status").GetString());
        Assert.Equal("0001", body.GetProperty("version").GetString());
    }

    [Fact]
    public async Task An_unknown_model_is_a_404_problem()
    {
        var (status, body) = await InvokeAsync("no-such-model");

        Assert.Equal(StatusCodes.Status404NotFound, status);
        Assert.Contains("no-such-model", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_data_is_a_422_problem_naming_the_file()
    {
        var container = azurite.CreateClient().GetBlobContainerClient(_app.TrainingContainer);
        await container.CreateIfNotExistsAsync();
        await container.UploadBlobAsync("bike-demand/2011/01/01.csv", BinaryData.FromString("not,a,header\n1,2,3\n"));

        var (status, body) = await InvokeAsync(BikeDemandModel.ModelName);

        Assert.Equal(StatusCodes.Status422UnprocessableEntity, status);
        Assert.Contains("bike-demand/2011/01/01.csv", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("failed", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_run_while_another_holds_the_lease_is_a_409_saying_when_it_clears()
    {
        await _app.Get<TrainingDataUploader>().UploadAsync(BikeDemandModel.ModelName, LocalDataFiles.Open(_data.Folder, _data.Folder, SampleData.Format), false, null, default);
        var registry = _app.Get<ModelRegistry>();
        await registry.EnsureContainerAsync(default);
        await using var held = await registry.TryAcquireRetrainLeaseAsync(BikeDemandModel.ModelName, "another instance", default);
        Assert.NotNull(held);

        var (status, body) = await InvokeAsync(BikeDemandModel.ModelName);

        Assert.Equal(StatusCodes.Status409Conflict, status);
        Assert.Contains("held by another instance", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(body.TryGetProperty("leaseClearsByUtc", out _), body.ToString());
        Assert.Null(await registry.GetChampionAsync(BikeDemandModel.ModelName, default)); // the run did nothing
    }

    [Fact]
    public async Task A_run_that_loses_a_race_with_a_promotion_is_a_409_saying_so_and_the_champion_stays_as_moved()
    {
        using var app = TestApp.Create(azurite, ChampionSetup.LenientGate());
        await ChampionSetup.TrainVersionsAsync(app, _data, 2); // 0002 is champion
        await ChampionSetup.AddDayAsync(app, _data);
        var registry = app.Get<ModelRegistry>();

        // An operator rolls back to 0001 while the run is deciding.
        using var race = new StepHook("publish", () => registry.PromoteAsync(BikeDemandModel.ModelName, "0001", "rollback by hand", null, default).GetAwaiter().GetResult());
        var (status, body) = await FunctionInvoker.InvokeAsync(app.Services, r => new RetrainModelNow(app.Get<RetrainEndpoint>()).Run(r, BikeDemandModel.ModelName, default), json: null);

        Assert.True(status == StatusCodes.Status409Conflict, body.ToString());
        Assert.Equal("conflict", body.GetProperty("failure").GetString());
        Assert.StartsWith("the champion of bike-demand changed to version 0001 while this run was deciding; version 0003 was stored and passed the gate", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("0003", body.GetProperty("version").GetString()); // stored, and promotable by hand
        Assert.Equal("0001", body.GetProperty("champion").GetString()); // the champion now, not the one the run began with
        Assert.Equal("0001", (await registry.GetChampionAsync(BikeDemandModel.ModelName, default))!.Value.Alias.Version);
    }

    [Fact]
    public async Task Storage_that_cannot_be_reached_is_a_503_whose_detail_reads_as_sentences()
    {
        await using var proxy = new StorageProxy(azurite.Port) { Mode = ProxyMode.Refuse };
        using var app = TestApp.Create(azurite, new Dictionary<string, string?> { ["ModelStorage"] = proxy.ConnectionString(azurite) });

        var (status, body) = await FunctionInvoker.InvokeAsync(app.Services, r => new RetrainModelNow(app.Get<RetrainEndpoint>()).Run(r, BikeDemandModel.ModelName, default), json: null);

        Assert.True(status == StatusCodes.Status503ServiceUnavailable, body.ToString());
        var detail = body.GetProperty("detail").GetString();
        Assert.StartsWith("model storage ", detail, StringComparison.Ordinal);
        Assert.EndsWith(" while the run was at step 'reach storage'; nothing was promoted; the champion is unchanged", detail, StringComparison.Ordinal);
    }

    private Task<FunctionResponse> InvokeAsync(string model) =>
        FunctionInvoker.InvokeAsync(_app.Services, r => new RetrainModelNow(_app.Get<RetrainEndpoint>()).Run(r, model, default), json: null);

    public void Dispose()
    {
        _app.Dispose();
        _data.Dispose();
    }
}
