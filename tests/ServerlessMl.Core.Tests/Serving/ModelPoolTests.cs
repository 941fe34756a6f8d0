using ServerlessMl.Definitions;
using Microsoft.ML;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Registry;
using ServerlessMl.Serving;
using ServerlessMl.Testing;

namespace ServerlessMl.Core.Tests.Serving;

/// <summary>The pool against the pitfalls users hit with Microsoft.Extensions.ML, on a real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ModelPoolTests(AzuriteFixture azurite) : IDisposable
{
    private const string Model = ChampionSetup.Model;
    private static readonly BikeDemandModel Definition = new();
    private readonly SampleData _data = new(days: 21);
    private readonly TestApp _app = TestApp.Create(azurite, ChampionSetup.LenientGate());

    private ModelPool Pool => _app.Get<ModelPool>();

    private ModelRegistry Registry => _app.Get<ModelRegistry>();

    [Fact]
    public async Task A_models_own_MaxEnginesPerModel_bounds_its_idle_engines_over_the_global_one()
    {
        using var app = TestApp.Create(azurite, ChampionSetup.LenientGate(new() { ["Serving:MaxEnginesPerModel"] = "6", ["Models:bike-demand:MaxEnginesPerModel"] = "2" }));
        await ChampionSetup.TrainVersionsAsync(app, _data, 1);
        var pool = app.Get<ModelPool>();

        var leases = new List<EngineLease>();
        for (var i = 0; i < 5; i++)
        {
            leases.Add(await pool.RentAsync(Model, default));
        }

        var generation = leases[0].Generation;
        leases.ForEach(l => l.Dispose());

        Assert.Equal(2, generation.IdleEngines); // 5 with the global setting alone; the other 3 were disposed
    }

    [Fact]
    public async Task An_engine_rented_before_a_swap_goes_back_to_its_own_generation_never_into_the_new_one()
    {
        await ChampionSetup.TrainVersionsAsync(_app, _data, 2);
        await Registry.PromoteAsync(Model, "0001", "test", null, default);
        var input = Features();
        var expectedOld = await PredictWithVersionAsync("0001", input);
        var expectedNew = await PredictWithVersionAsync("0002", input);
        Assert.NotEqual(expectedOld, expectedNew);

        var stale = Pool.GetPredictionEngine<BikeFeatures, RegressionScore>(Model);
        Assert.Equal(expectedOld, stale.Predict(input).Score);
        await Registry.PromoteAsync(Model, "0002", "test", null, default);
        await Pool.RefreshAsync(Model, default);
        var disposedBefore = Pool.Counters.EnginesDisposed;
        Pool.ReturnPredictionEngine(Model, stale);

        Assert.Equal(disposedBefore + 1, Pool.Counters.EnginesDisposed); // the stale engine was disposed, not pooled
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(expectedNew, Pool.Predict<BikeFeatures, RegressionScore>(Model, input).Score);
            var engine = Pool.GetPredictionEngine<BikeFeatures, RegressionScore>(Model);
            Assert.NotSame(stale, engine);
            Assert.Equal(expectedNew, engine.Predict(input).Score);
            Pool.ReturnPredictionEngine(Model, engine);
        }

        Assert.Equal("0002", Pool.GetLoadedModel(Model).Version);
    }

    [Fact]
    public async Task After_200_promotions_every_old_generation_and_its_engines_are_disposed_and_none_is_kept()
    {
        await ChampionSetup.TrainVersionsAsync(_app, _data, 2);
        var input = Features();
        var retired = new List<WeakReference>();
        async Task PromoteAndPredictAsync(int i)
        {
            var version = i % 2 == 0 ? "0001" : "0002";
            retired.Add(new WeakReference(await Pool.GetGenerationAsync(Model, default)));
            var held = Pool.GetPredictionEngine<BikeFeatures, RegressionScore>(Model); // in flight across the swap
            await Registry.PromoteAsync(Model, version, "churn", null, default);
            await Pool.RefreshAsync(Model, default);
            Pool.Predict<BikeFeatures, RegressionScore>(Model, input);
            Pool.ReturnPredictionEngine(Model, held);
            Assert.Equal(version, Pool.GetLoadedModel(Model).Version);
        }

        for (var i = 0; i < 200; i++)
        {
            await PromoteAndPredictAsync(i);
        }

        var counters = Pool.Counters;
        Assert.Equal(counters.GenerationsCreated - 1, counters.GenerationsDisposed);
        Assert.True(counters.GenerationsCreated >= 200, $"only {counters.GenerationsCreated} generations were loaded");
        var live = counters.EnginesCreated - counters.EnginesDisposed;
        Assert.InRange(live, 1, 2); // what the current generation pools, nothing else

        // What the pool itself retains, whatever else the process allocates meanwhile: no retired
        // generation (its model and engines) is reachable once collected.
        var current = await Pool.GetGenerationAsync(Model, default);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var kept = retired.Count(r => r.Target is { } generation && !ReferenceEquals(generation, current));
        Assert.True(kept == 0, $"{kept} of {retired.Count} retired generations are still reachable");
    }

    [Fact]
    public async Task Four_threads_predicting_through_60_swaps_leave_every_retired_generation_disposed_and_no_engine_lost()
    {
        await ChampionSetup.TrainVersionsAsync(_app, _data, 2);
        var input = Features();
        var expected = new Dictionary<string, float>
        {
            ["0001"] = await PredictWithVersionAsync("0001", input),
            ["0002"] = await PredictWithVersionAsync("0002", input),
        };
        using var stop = new CancellationTokenSource();
        var predictions = 0L;
        // Dedicated threads: four spinning thread-pool workers would starve this test's own awaits.
        var workers = Enumerable.Range(0, 4).Select(w => Task.Factory.StartNew(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (w % 2 == 0)
                {
                    var score = Pool.Predict<BikeFeatures, RegressionScore>(Model, input).Score;
                    Assert.Contains(score, expected.Values); // from one of the two versions, never a disposed engine
                }
                else
                {
                    var engine = Pool.GetPredictionEngine<BikeFeatures, RegressionScore>(Model);
                    Assert.Contains(engine.Predict(input).Score, expected.Values);
                    Pool.ReturnPredictionEngine(Model, engine);
                }

                Interlocked.Increment(ref predictions);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        for (var i = 0; i < 60; i++)
        {
            await Registry.PromoteAsync(Model, i % 2 == 0 ? "0001" : "0002", "churn", null, default);
            await Pool.RefreshAsync(Model, default);

            // Predictions between every two swaps, however the machine schedules the threads (a
            // worker that failed is reported by WhenAll below).
            var before = Interlocked.Read(ref predictions);
            Assert.True(
                await Eventually.HoldsAsync(() => Interlocked.Read(ref predictions) > before || workers.Any(w => w.IsFaulted)),
                $"no prediction ran after swap {i + 1}");
        }

        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var counters = Pool.Counters;
        Assert.True(counters.GenerationsCreated >= 60, $"only {counters.GenerationsCreated} generations were loaded");
        Assert.Equal(counters.GenerationsCreated - 1, counters.GenerationsDisposed);
        var current = await Pool.GetGenerationAsync(Model, default);
        Assert.Equal(counters.EnginesCreated - counters.EnginesDisposed, current.IdleEngines); // every live engine is back in the pool
        Assert.Equal("0002", current.Version);
    }

    [Fact]
    public async Task Fifty_concurrent_first_requests_share_one_download_and_one_load()
    {
        await ChampionSetup.TrainVersionsAsync(_app, _data, 1);
        using var start = new ManualResetEventSlim();

        var tasks = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            using var lease = await Pool.RentAsync(Model, default);
            return lease.Predict(ChampionSetup.Request());
        })).ToArray();
        start.Set();
        var predictions = await Task.WhenAll(tasks);

        Assert.Equal(1, Pool.Counters.ModelDownloads);
        Assert.Equal(1, Pool.Counters.GenerationsCreated);
        Assert.Single(predictions.Distinct());
    }

    [Fact]
    public async Task BeginLoad_starts_the_first_load_without_a_rental_and_does_nothing_once_loaded()
    {
        await ChampionSetup.TrainVersionsAsync(_app, _data, 1);

        Pool.BeginLoad(Model);
        Pool.BeginLoad(Model); // shares the load in flight
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Pool.GetLoadedModel(Model).Version is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var loaded = Pool.GetLoadedModel(Model);
        Assert.Equal("0001", loaded.Version);
        Pool.BeginLoad(Model);
        using (await Pool.RentAsync(Model, default))
        {
        }

        Assert.Equal(loaded.LastCheckUtc, Pool.GetLoadedModel(Model).LastCheckUtc); // no further check of the alias
        Assert.Equal(1, Pool.Counters.ModelDownloads);
        Assert.Equal(1, Pool.Counters.GenerationsCreated);
    }

    [Theory]
    [InlineData("hash mismatch")]
    [InlineData("corrupt zip")]
    [InlineData("missing model.zip")]
    [InlineData("manifest not JSON")]
    [InlineData("short schema hash")]
    [InlineData("other input schema")]
    public async Task A_bad_version_promoted_keeps_the_previous_model_serving_and_is_reported_as_failed(string damage)
    {
        await ChampionSetup.TrainVersionsAsync(_app, _data, 2);
        await Registry.PromoteAsync(Model, "0001", "test", null, default);
        var input = Features();
        var expectedOld = await PredictWithVersionAsync("0001", input);
        Assert.Equal(expectedOld, Pool.Predict<BikeFeatures, RegressionScore>(Model, input).Score);
        await Registry.PromoteAsync(Model, "0002", "test", null, default);
        await DamageAsync("0002", damage); // after promoting: the registry itself refuses an unreadable manifest
        await Pool.RefreshAsync(Model, default);

        var loaded = Pool.GetLoadedModel(Model);
        Assert.Equal("0001", loaded.Version);
        Assert.Equal("0002", loaded.FailedVersion);
        Assert.True(loaded.Degraded);
        Assert.Equal(expectedOld, Pool.Predict<BikeFeatures, RegressionScore>(Model, input).Score);

        var downloads = Pool.Counters.ModelDownloads;
        await Pool.RefreshAsync(Model, default);
        Assert.Equal(downloads, Pool.Counters.ModelDownloads); // not fetched again until the champion moves

        await Registry.PromoteAsync(Model, "0001", "rollback", null, default);
        await Pool.RefreshAsync(Model, default);
        Assert.Null(Pool.GetLoadedModel(Model).FailedVersion);
    }

    [Fact]
    public async Task Preload_loads_the_models_one_after_another_in_the_order_they_were_added()
    {
        // bike-demand has a champion to download and load; sms-spam has none, a check that ends
        // at once. Side by side, the spam check would end first.
        using var app = TestApp.Create(azurite, ChampionSetup.LenientGate(), models: m => m.AddModel<ServerlessMl.Models.SmsSpam.SmsSpamModel>());
        await ChampionSetup.TrainVersionsAsync(app, _data, 1);
        using var recorder = new TelemetryRecorder(app.Get<System.Diagnostics.Metrics.IMeterFactory>());

        await app.Get<ModelPool>().PreloadAsync();

        var checks = recorder.SpansNamed("refresh champion")
            .ToDictionary(s => (string)s.GetTagItem(ServerlessMl.Telemetry.ServerlessMlTelemetry.Tags.Model)!);
        Assert.NotNull(app.Get<ModelPool>().GetLoadedModel(Model).Version);
        Assert.True(
            checks[Model].StartTimeUtc + checks[Model].Duration <= checks[ServerlessMl.Models.SmsSpam.SmsSpamModel.ModelName].StartTimeUtc,
            "the second model's champion check started before the first model's load ended");
    }

    [Fact]
    public async Task With_no_champion_the_pool_says_so_instead_of_serving()
    {
        var error = await Assert.ThrowsAsync<ModelUnavailableException>(async () => await Pool.GetGenerationAsync(Model, default));

        Assert.Contains("no champion is set", error.Message, StringComparison.Ordinal);
        Assert.True(Pool.GetLoadedModel(Model).NoChampion);
    }

    [Fact]
    public async Task A_bad_first_champion_is_unavailable_with_the_reason()
    {
        await ChampionSetup.TrainVersionsAsync(_app, _data, 1);
        await DamageAsync("0001", "hash mismatch");

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(async () => await Pool.GetGenerationAsync(Model, default));

        // Callers (anonymous ones included) get the stable fact; the detail is for operators.
        Assert.Contains("champion version 0001 cannot be loaded", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sha256", error.Message, StringComparison.Ordinal);
        Assert.Contains("sha256", Pool.GetLoadedModel(Model).FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_engine_the_pool_did_not_rent_cannot_be_returned_into_it()
    {
        var ml = new MLContext();
        var model = ml.Transforms.CopyColumns("Score", nameof(BikeFeatures.Label)).Fit(ml.Data.LoadFromEnumerable(new[] { Features() }));
        using var foreign = ml.Model.CreatePredictionEngine<BikeFeatures, RegressionScore>(model);

        Assert.Throws<InvalidOperationException>(() => Pool.ReturnPredictionEngine(Model, foreign));
    }

    private async Task<float> PredictWithVersionAsync(string version, BikeFeatures input)
    {
        var ml = new MLContext();
        using var stream = (await Registry.DownloadModelAsync(Model, version, default)).ToStream();
        using var engine = ml.Model.CreatePredictionEngine<BikeFeatures, RegressionScore>(ml.Model.Load(stream, out _));
        return engine.Predict(input).Score;
    }

    private Task DamageAsync(string version, string damage) =>
        RegistryDamage.ApplyAsync(Registry.Container, Model, version, damage);

    private static BikeFeatures Features() => Definition.FromRequest(ChampionSetup.Request());

    public void Dispose()
    {
        _app.Dispose();
        _data.Dispose();
    }

}
