using ServerlessMl.Definitions;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Serving;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// Diagnostic for the gap between <c>pool.Predict</c> and the floor: the same hand-made engine
/// called directly (the floor) and through a generic method shaped like
/// <see cref="ModelPool.Predict{TIn,TOut}"/> (engine stored as object, cast to
/// <c>PredictionEngine&lt;TIn,TOut&gt;</c> inside shared generic code), a second hand-made engine
/// and one the pool built (both called directly: how much one engine instance differs from
/// another), next to the pool's two APIs.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 2, warmupCount: 5, iterationCount: 15)]
public class CallShapeBenchmarks : ChampionBenchmark
{
    private readonly BikeFeatures _features = BenchEnvironment.SampleFeatures();
    private readonly RegressionScore _output = new();
    private object _engineAsObject = null!;
    private PredictionEngine<BikeFeatures, RegressionScore> _poolEngine = null!;
    private PredictionEngine<BikeFeatures, RegressionScore> _secondEngine = null!;

    protected override Task PrepareAsync()
    {
        _engineAsObject = Engine;
        _poolEngine = Pool.GetPredictionEngine<BikeFeatures, RegressionScore>(Model); // held, never returned
        _secondEngine = Env.CreateEngine();
        return Task.CompletedTask;
    }

    [Benchmark(Baseline = true, Description = "engine.Predict, direct (floor)")]
    public float Direct() => Engine.Predict(_features).Score;

    [Benchmark(Description = "same engine via a generic method (object -> PredictionEngine<TIn,TOut>)")]
    public float Generic() => PredictShared<BikeFeatures, RegressionScore>(_engineAsObject, _features).Score;

    [Benchmark(Description = "a second engine over the same hand-loaded model, direct")]
    public float SecondDirect() => _secondEngine.Predict(_features).Score;

    [Benchmark(Description = "an engine the pool built, called directly")]
    public float PoolEngineDirect() => _poolEngine.Predict(_features).Score;

    [Benchmark(Description = "same engine, Predict(input, ref output) reusing the output")]
    public float ReuseOutput()
    {
        var output = _output;
        Engine.Predict(_features, ref output);
        return output.Score;
    }

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

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TOut PredictShared<TIn, TOut>(object engine, TIn input)
        where TIn : class
        where TOut : class, new() =>
        ((PredictionEngine<TIn, TOut>)engine).Predict(input);
}
