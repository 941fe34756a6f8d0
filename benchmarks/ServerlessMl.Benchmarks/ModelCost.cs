using ServerlessMl.Definitions;
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using ServerlessMl.Models.BikeDemand;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// <c>model-cost A/model.zip B/model.zip ...</c>: the cost of one prediction of each model over the
/// 100 varied inputs of <see cref="VariedInputBenchmarks"/>, the models measured in turn in one
/// process (10 interleaved rounds of 20,000 predictions after a warm-up), for comparing tree budgets
/// (README, "The model"). A Stopwatch loop, not BenchmarkDotNet: it compares models against each
/// other in the same run, not the pool against a floor.
/// </summary>
internal static class ModelCost
{
    private const int Rounds = 10;
    private const int PerRound = 20_000;

    public static int Run(IReadOnlyList<string> modelPaths)
    {
        if (modelPaths.Count == 0)
        {
            Console.Error.WriteLine("usage: ServerlessMl.Benchmarks model-cost <model.zip> [<model.zip> ...]");
            return 2;
        }

        var ml = new MLContext();
        var inputs = BenchEnvironment.VariedFeatures();
        var engines = modelPaths.Select(p => ml.Model.CreatePredictionEngine<BikeFeatures, RegressionScore>(ml.Model.Load(p, out _))).ToList();
        engines.ForEach(e => Predict(e, inputs));

        var microseconds = new double[engines.Count];
        for (var round = 0; round < Rounds; round++)
        {
            for (var k = 0; k < engines.Count; k++)
            {
                var watch = Stopwatch.StartNew();
                Predict(engines[k], inputs);
                microseconds[k] += watch.Elapsed.TotalMicroseconds / PerRound / Rounds;
            }
        }

        for (var k = 0; k < engines.Count; k++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{modelPaths[k]}\t{microseconds[k]:F2} us per prediction"));
        }

        return 0;
    }

    private static void Predict(PredictionEngine<BikeFeatures, RegressionScore> engine, BikeFeatures[] inputs)
    {
        for (var i = 0; i < PerRound; i++)
        {
            engine.Predict(inputs[i % inputs.Length]);
        }
    }
}
