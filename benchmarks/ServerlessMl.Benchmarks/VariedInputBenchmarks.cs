using ServerlessMl.Definitions;
using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Serving;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// The floor and the pool again, cycling through 100 different inputs (the hours and weathers of
/// the HTTP benchmark's batch) instead of one. With a single input the CPU's branch predictor
/// learns the path through all the trees, which makes every prediction cheaper than real
/// traffic would; these rows show the cost with inputs that vary.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 3, warmupCount: 5, iterationCount: 15)]
public class VariedInputBenchmarks : ChampionBenchmark
{
    private readonly BikeFeatures[] _inputs = BenchEnvironment.VariedFeatures();
    private int _next;

    [Benchmark(Baseline = true, Description = "reused engine (floor), 100 inputs")]
    public float ReusedEngine() => Engine.Predict(Next()).Score;

    [Benchmark(Description = "pool.Predict, 100 inputs")]
    public float PoolPredict() => Pool.Predict<BikeFeatures, RegressionScore>(Model, Next()).Score;

    private BikeFeatures Next()
    {
        var i = _next + 1;
        if (i == _inputs.Length)
        {
            i = 0;
        }

        _next = i;
        return _inputs[i];
    }
}
