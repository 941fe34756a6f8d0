using ServerlessMl.Definitions;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace ServerlessMl.Models.BikeDemand;

/// <summary>
/// The bike model's pipelines. Every one answers in log(1 + rentals) ("Score"), whatever it
/// learns from, so the model's score means the same to serving, metrics and reports.
/// </summary>
internal static class BikeRecipes
{
    private const string LightGbmScore = "LightGbmScore";
    private const string Count = "Count";

    /// <summary>
    /// The shipped pipeline: the mean, in log space, of two tree ensembles on the same features.
    /// LightGBM on log(1 + rentals) learns relative errors and holds up on a few weeks of data;
    /// FastTreeTweedie on the counts is fitted to the mean count (what RMSE in rentals scores)
    /// and leads once months of history exist. Chosen by backtest (docs/benchmarks.md, "Backtest
    /// of the bike recipes"): better pooled than either alone, and than both references.
    /// </summary>
    public static IEstimator<ITransformer> Shipped(MLContext ml) =>
        ml.Transforms.Concatenate("Features", BikeFeatures.InputColumns)
            .Append(ml.Regression.Trainers.LightGbm(LightGbmOptions()))
            .Append(ml.Transforms.CopyColumns(LightGbmScore, "Score"))
            .Append(ml.Transforms.Expression(Count, "x => exp(x) - 1", nameof(BikeFeatures.Label)))
            .Append(ml.Regression.Trainers.FastTreeTweedie(TweedieOptions()))
            .Append(ml.Transforms.Expression("Score", "(a, b) => (a + log(1 + max(b, 0))) / 2", LightGbmScore, "Score"));

    /// <summary>LightGBM alone on log(1 + rentals).</summary>
    public static IEstimator<ITransformer> LightGbmOnLog(MLContext ml, string[] columns, LightGbmRegressionTrainer.Options options) =>
        ml.Transforms.Concatenate("Features", columns).Append(ml.Regression.Trainers.LightGbm(options));

    /// <summary>FastTreeTweedie alone, trained on rentals and answering log(1 + rentals).</summary>
    public static IEstimator<ITransformer> TweedieOnCounts(MLContext ml, string[] columns, FastTreeTweedieTrainer.Options options) =>
        ml.Transforms.Expression(Count, "x => exp(x) - 1", nameof(BikeFeatures.Label))
            .Append(ml.Transforms.Concatenate("Features", columns))
            .Append(ml.Regression.Trainers.FastTreeTweedie(options))
            .Append(ml.Transforms.Expression("Score", "x => log(1 + max(x, 0))", "Score"));

    // Small trees in log space add up to a mostly multiplicative model (level x hour profile x weather).
    public static LightGbmRegressionTrainer.Options LightGbmOptions() => new()
    {
        NumberOfIterations = 200,
        NumberOfLeaves = 16,
        MinimumExampleCountPerLeaf = 20,
        LearningRate = 0.2,
        Seed = 1,
        LabelColumnName = nameof(BikeFeatures.Label),
        FeatureColumnName = "Features",
    };

    public static FastTreeTweedieTrainer.Options TweedieOptions(int trees = 300, int leaves = 20, double rate = 0.1, double index = 1.5) => new()
    {
        NumberOfTrees = trees,
        NumberOfLeaves = leaves,
        MinimumExampleCountPerLeaf = 10,
        LearningRate = rate,
        Index = index,
        LabelColumnName = Count,
        FeatureColumnName = "Features",
    };

    /// <summary>FastTreeTweedie with ML.NET's own defaults, labelled as the others are.</summary>
    public static FastTreeTweedieTrainer.Options TweedieDefaults() => new() { LabelColumnName = Count, FeatureColumnName = "Features" };
}
