using System.Runtime.CompilerServices;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using ServerlessMl.Testing;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// <c>ServerlessMl.Benchmarks [BenchmarkDotNet arguments]</c> runs the BenchmarkDotNet benchmarks
/// (e.g. <c>--filter '*PoolPredict*'</c>); <c>cold-baseline</c> and <c>cold-pool</c> are the
/// one-shot processes of the cold-start benchmark and <c>champion-zip</c> fetches the minimal
/// endpoint's model file (see <see cref="ColdStart"/>); <c>model-cost</c>
/// times the prediction of given model.zip files (see <see cref="ModelCost"/>); <c>spam-experiments</c>
/// compares the spam recipes on seeded splits (see <see cref="SpamExperiments"/>); <c>gate-backtest</c>
/// replays the retrain gate's champion comparison over the bike history (see <see cref="GateBacktest"/>);
/// <c>batch-scoring</c> measures the precompute path against ML.NET's own and the table upload (see
/// <see cref="BatchScoring"/>; <c>batch-scoring-memory</c> is its one-drop child process);
/// <c>serve</c> is serve with the cold-start benchmark's endpoints and start-up timeline (see <see cref="BenchServe"/>);
/// <c>log-overhead</c> compares serve's predict pipeline with the prediction log off and on (see <see cref="LogOverhead"/>).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args switch
        {
            ["cold-baseline"] => await ColdStart.BaselineAsync(),
            ["cold-pool"] => await ColdStart.PoolAsync(),
            ["champion-zip", var model, var directory] => await ColdStart.ChampionZipAsync(model, directory),
            ["model-cost", .. var models] => ModelCost.Run(models),
            ["spam-experiments", .. var rest] => SpamExperiments.Run(rest),
            ["gate-backtest", .. var recipes] => GateBacktest.Run(recipes),
            ["batch-scoring", .. var sizes] => await BatchScoring.RunAsync(sizes),
            ["batch-scoring-memory", var model, var zip, var drop] => BatchScoringMemory.Child(model, zip, drop),
            ["serve", .. var serveArgs] => await BenchServe.RunAsync(serveArgs),
            ["log-overhead", .. var rest] => await LogOverhead.RunAsync(rest),
            _ => RunBenchmarks(args),
        };
    }

    // Kept out of Main so the cold-start modes never load BenchmarkDotNet.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int RunBenchmarks(string[] args)
    {
        var config = DefaultConfig.Instance
            .WithArtifactsPath(Path.Combine(RepoPaths.Root, "artifacts", "benchmarks", "bdn"));
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
