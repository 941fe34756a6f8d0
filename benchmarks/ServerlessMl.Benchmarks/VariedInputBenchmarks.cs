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
public class VariedInputBenchmarks
{
    private const string Model = BenchEnvironment.Model;

    private BenchEnvironment _env = null!;
    private ModelPool _pool = null!;
    private PredictionEngine<BikeFeatures, BikePrediction> _engine = null!;
    private BikeFeatures[] _inputs = null!;
    private int _next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _env = await BenchEnvironment.StartAsync();
        _pool = _env.Pool;
        _engine = _env.CreateEngine();
        _inputs = BenchEnvironment.VariedFeatures();
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _env.DisposeAsync();

    [Benchmark(Baseline = true, Description = "reused engine (floor), 100 inputs")]
    public float ReusedEngine() => _engine.Predict(Next()).Score;

    [Benchmark(Description = "pool.Predict, 100 inputs")]
    public float PoolPredict() => _pool.Predict<BikeFeatures, BikePrediction>(Model, Next()).Score;

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
