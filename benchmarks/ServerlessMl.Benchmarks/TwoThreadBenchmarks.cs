using ServerlessMl.Definitions;
using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Serving;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// Throughput on two threads: each invocation makes <see cref="Predictions"/> predictions, half on
/// each of two threads, so the reported time is per prediction and 1 / ratio is the throughput
/// relative to the baseline, two threads that each own an engine (no sharing at all). A single
/// thread doing all of them shows what the second core buys on this machine.
/// </summary>
// A fixed 16 invocations per iteration (about 0.2 s): the pilot stage, which runs before the
// warm-up, saw unwarmed code and picked iterations of 40 ms, too short for two threads.
[MemoryDiagnoser]
[SimpleJob(launchCount: 3, warmupCount: 5, iterationCount: 20, invocationCount: 16)]
public class TwoThreadBenchmarks : ChampionBenchmark
{
    public const int Predictions = 2_000;
    private const int PerThread = Predictions / 2;

    // One input object per thread: a PredictionEngine only reads it, but sharing one would put
    // both threads on the same cache lines for no reason.
    private readonly BikeFeatures _featuresA = BenchEnvironment.SampleFeatures();
    private readonly BikeFeatures _featuresB = BenchEnvironment.SampleFeatures();
    private PredictionEngine<BikeFeatures, RegressionScore> _engineA = null!;
    private PredictionEngine<BikeFeatures, RegressionScore> _engineB = null!;
    private Action _ownA = null!, _ownB = null!, _poolA = null!, _poolB = null!, _rentA = null!, _rentB = null!;

    protected override Task PrepareAsync()
    {
        _engineA = Engine;
        _engineB = Env.CreateEngine();

        // Delegates made once, so an invocation allocates only what Parallel.Invoke itself does.
        _ownA = () => Own(_engineA, _featuresA);
        _ownB = () => Own(_engineB, _featuresB);
        _poolA = () => Pooled(_featuresA);
        _poolB = () => Pooled(_featuresB);
        _rentA = () => Rented(_featuresA);
        _rentB = () => Rented(_featuresB);

        // Two engines in the pool before measuring, as after any burst of two concurrent requests.
        Parallel.Invoke(_poolA, _poolB);
        return Task.CompletedTask;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Predictions, Description = "2 threads, own engine each (floor)")]
    public void OwnEngines() => Parallel.Invoke(_ownA, _ownB);

    [Benchmark(OperationsPerInvoke = Predictions, Description = "2 threads, pool.Predict")]
    public void PoolPredict() => Parallel.Invoke(_poolA, _poolB);

    [Benchmark(OperationsPerInvoke = Predictions, Description = "2 threads, pool Get/Return")]
    public void PoolGetReturn() => Parallel.Invoke(_rentA, _rentB);

    [Benchmark(OperationsPerInvoke = Predictions, Description = "1 thread, one engine")]
    public void OneThread()
    {
        Own(_engineA, _featuresA);
        Own(_engineA, _featuresA);
    }

    private static void Own(PredictionEngine<BikeFeatures, RegressionScore> engine, BikeFeatures features)
    {
        for (var i = 0; i < PerThread; i++)
        {
            engine.Predict(features);
        }
    }

    private void Pooled(BikeFeatures features)
    {
        for (var i = 0; i < PerThread; i++)
        {
            Pool.Predict<BikeFeatures, RegressionScore>(Model, features);
        }
    }

    private void Rented(BikeFeatures features)
    {
        for (var i = 0; i < PerThread; i++)
        {
            var engine = Pool.GetPredictionEngine<BikeFeatures, RegressionScore>(Model);
            engine.Predict(features);
            Pool.ReturnPredictionEngine(Model, engine);
        }
    }
}
