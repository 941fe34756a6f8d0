using ServerlessMl.Serving;
using ServerlessMl.Testing;

namespace ServerlessMl.Core.Tests.Serving;

/// <summary>Storage goes away after warm-up: its own Azurite, so stopping it disturbs no other test.</summary>
public sealed class StorageOutageTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly SampleData _data = new(days: 21);
    private readonly TestApp _app = TestApp.Create(azurite, ChampionSetup.LenientGate());

    [Fact]
    public async Task With_storage_down_predictions_continue_from_the_loaded_model_and_refresh_errors_are_recorded_not_thrown()
    {
        await ChampionSetup.TrainVersionsAsync(_app, _data, 1);
        var pool = _app.Get<ModelPool>();
        double before;
        using (var lease = await pool.RentAsync(ChampionSetup.Model, default))
        {
            before = lease.Predict(ChampionSetup.Request());
        }

        await azurite.StopAsync();
        try
        {
            await pool.RefreshAsync(ChampionSetup.Model, default); // must not throw

            for (var i = 0; i < 20; i++)
            {
                using var lease = await pool.RentAsync(ChampionSetup.Model, default);
                Assert.Equal(before, lease.Predict(ChampionSetup.Request()));
            }

            var loaded = pool.GetLoadedModel(ChampionSetup.Model);
            Assert.Equal("0001", loaded.Version);
            Assert.NotNull(loaded.LastCheckError);
            Assert.True(loaded.Degraded);
        }
        finally
        {
            await azurite.StartAsync();
        }

        await pool.RefreshAsync(ChampionSetup.Model, default);
        Assert.Null(pool.GetLoadedModel(ChampionSetup.Model).LastCheckError);
    }

    public void Dispose()
    {
        _app.Dispose();
        _data.Dispose();
    }
}
