using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging.Abstractions;
using ServerlessMl.Functions.Triggers;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;
using ServerlessMl.Testing;
using ServerlessMl.Training;

namespace ServerlessMl.Functions.Tests.Triggers;

/// <summary>The timer function invoked as the worker invokes it, over a real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RetrainModelTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TestApp _app = TestApp.Create(azurite);
    private readonly SampleData _data = new(days: 21);

    private RetrainModel Timer => new(_app.Get<RetrainJob>(), NullLogger<RetrainModel>.Instance);

    [Fact]
    public async Task A_run_retrains_every_model_and_a_run_with_nothing_new_succeeds_quietly()
    {
        await ChampionSetup.UploadAsync(_app, _data);

        await Timer.Run(new TimerInfo(), default);
        await Timer.Run(new TimerInfo { IsPastDue = true }, default);

        var registry = _app.Get<ModelRegistry>();
        foreach (var model in _app.Get<ModelCatalog>().All)
        {
            Assert.Equal("0001", (await registry.GetChampionAsync(model.Name, default))?.Alias.Version);
        }

        Assert.Single(await registry.ListVersionsAsync(ChampionSetup.Model, default)); // the second run had nothing new
    }

    [Fact]
    public async Task A_failed_retrain_fails_the_invocation_naming_model_and_file_and_keeps_the_champion()
    {
        await ChampionSetup.TrainVersionsAsync(_app, _data, 1);
        var container = azurite.CreateClient().GetBlobContainerClient(_app.TrainingContainer);
        await container.UploadBlobAsync("bike-demand/2011/02/01.csv", BinaryData.FromString("not,a,header\n1,2,3\n"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Timer.Run(new TimerInfo(), default));

        Assert.Contains("bike-demand: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("bike-demand/2011/02/01.csv", error.Message, StringComparison.Ordinal);
        Assert.Equal("0001", (await _app.Get<ModelRegistry>().GetChampionAsync(ChampionSetup.Model, default))?.Alias.Version);
    }

    public void Dispose()
    {
        _app.Dispose();
        _data.Dispose();
    }
}
