using ServerlessMl.Definitions;
using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Serving;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// One prediction on one thread, the bike-demand champion, the same input every time. The
/// baseline (the floor) is one PredictionEngine created once and reused; the pool is measured
/// through both of its APIs, and two ways of doing without a pool show what it saves.
/// </summary>
// Two processes per benchmark: on a shared 2-core machine the spread between processes (code
// layout, neighbours) is larger than the spread within one.
[MemoryDiagnoser]
[SimpleJob(launchCount: 2, warmupCount: 5, iterationCount: 15)]
public class PoolPredictBenchmarks : ChampionBenchmark
{
    private readonly BikeFeatures _features = BenchEnvironment.SampleFeatures();

    protected override Task PrepareAsync()
    {
        var floor = Engine.Predict(_features).Score;
        var pooled = Pool.Predict<BikeFeatures, RegressionScore>(Model, _features).Score;
        return floor == pooled
            ? Task.CompletedTask
            : throw new InvalidOperationException($"The pool predicts {pooled}, the hand-loaded champion {floor}: not the same model.");
    }

    [Benchmark(Baseline = true, Description = "reused engine (floor)")]
    public float ReusedEngine() => Engine.Predict(_features).Score;

    [Benchmark(Description = "pool.Predict")]
    public float PoolPredict() => Pool.Predict<BikeFeatures, RegressionScore>(Model, _features).Score;

    [Benchmark(Description = "pool Get/ReturnPredictionEngine")]
    public float PoolGetReturn()
    {
        var engine = Pool.GetPredictionEngine<BikeFeatures, RegressionScore>(Model);
        try
        {
            return engine.Predict(_features).Score;
        }
        finally
        {
            Pool.ReturnPredictionEngine(Model, engine);
        }
    }

    // The pool's own cost, without a prediction: what every request pays on top of the floor.
    [Benchmark(Description = "pool rent + return only (RentAsync, no prediction)")]
    public async Task<int> RentReturnOnly()
    {
        using var lease = await Pool.RentAsync(Model, CancellationToken.None);
        return lease.Generation.IdleEngines;
    }

    [Benchmark(Description = "pool Get/ReturnPredictionEngine only (no prediction)")]
    public void GetReturnOnly() =>
        Pool.ReturnPredictionEngine(Model, Pool.GetPredictionEngine<BikeFeatures, RegressionScore>(Model));

    [Benchmark(Description = "CreatePredictionEngine per call")]
    public float EnginePerCall()
    {
        using var engine = Env.Context.Model.CreatePredictionEngine<BikeFeatures, RegressionScore>(Env.HandLoadedModel);
        return engine.Predict(_features).Score;
    }

    [Benchmark(Description = "Model.Load + engine per call")]
    public float LoadPerCall()
    {
        var model = Env.LoadModel(Env.Context);
        try
        {
            using var engine = Env.Context.Model.CreatePredictionEngine<BikeFeatures, RegressionScore>(model);
            return engine.Predict(_features).Score;
        }
        finally
        {
            (model as IDisposable)?.Dispose();
        }
    }
}
