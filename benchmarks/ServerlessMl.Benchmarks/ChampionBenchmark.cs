using ServerlessMl.Definitions;
using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Serving;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// What every pool benchmark stands on: Azurite with a published champion, the app's warmed
/// <see cref="ModelPool"/>, and one engine made by hand over the same model.zip (the floor).
/// A benchmark class adds its own set-up in <see cref="Prepare"/>.
/// </summary>
public abstract class ChampionBenchmark
{
    protected const string Model = BenchEnvironment.Model;

    protected BenchEnvironment Env { get; private set; } = null!;

    internal ModelPool Pool { get; private set; } = null!;

    protected PredictionEngine<BikeFeatures, RegressionScore> Engine { get; private set; } = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        Env = await BenchEnvironment.StartAsync();
        Pool = Env.Pool;
        Engine = Env.CreateEngine();
        await PrepareAsync();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await DisposeExtrasAsync();
        await Env.DisposeAsync();
    }

    protected virtual Task PrepareAsync() => Task.CompletedTask;

    protected virtual ValueTask DisposeExtrasAsync() => ValueTask.CompletedTask;
}
