using ServerlessMl.Definitions;
using Microsoft.ML;
using Microsoft.ML.Transforms.Text;

namespace ServerlessMl.Models.SmsSpam;

/// <summary>
/// The pipelines tried for the spam model, by name (docs/benchmarks.md, "SMS spam"). The model
/// ships with <see cref="Default"/>; the others stay so the comparison can be run again.
/// </summary>
public sealed record SmsSpamRecipe(string Name, string Description, Func<MLContext, IEstimator<ITransformer>> Create)
{
    /// <summary>ML.NET's defaults: FeaturizeText (word unigrams, character trigrams) and SDCA logistic regression.</summary>
    public static SmsSpamRecipe MlNetDefault { get; } = new(
        "ml-net-default",
        "FeaturizeText defaults + SdcaLogisticRegression",
        ml => ml.Transforms.Text.FeaturizeText("Features", nameof(SmsFeatures.Text))
            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression()));

    /// <summary>Word 1-2-grams and character 1-5-grams, L2 logistic regression (L-BFGS).</summary>
    public static SmsSpamRecipe WideNgramsLogistic { get; } = new(
        "wide-ngrams-lbfgs",
        "word 1-2-grams + char 1-5-grams, LbfgsLogisticRegression",
        ml => ml.Transforms.Text.FeaturizeText("Features", WideNgrams(), nameof(SmsFeatures.Text))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new Microsoft.ML.Trainers.LbfgsLogisticRegressionBinaryTrainer.Options
            {
                L2Regularization = 0.1f,
                L1Regularization = 0f,
            })));

    /// <summary>The same features with SDCA logistic regression.</summary>
    public static SmsSpamRecipe WideNgramsSdca { get; } = new(
        "wide-ngrams-sdca",
        "word 1-2-grams + char 1-5-grams, SdcaLogisticRegression",
        ml => ml.Transforms.Text.FeaturizeText("Features", WideNgrams(), nameof(SmsFeatures.Text))
            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression()));

    /// <summary>The same features with a linear SVM, calibrated by Platt scaling.</summary>
    public static SmsSpamRecipe WideNgramsSvm { get; } = new(
        "wide-ngrams-svm",
        "word 1-2-grams + char 1-5-grams, LinearSvm + Platt calibration",
        ml => ml.Transforms.Text.FeaturizeText("Features", WideNgrams(), nameof(SmsFeatures.Text))
            .Append(ml.BinaryClassification.Trainers.LinearSvm(numberOfIterations: 20))
            .Append(ml.BinaryClassification.Calibrators.Platt()));

    public static IReadOnlyList<SmsSpamRecipe> All { get; } = [MlNetDefault, WideNgramsLogistic, WideNgramsSdca, WideNgramsSvm];

    public static SmsSpamRecipe Default => WideNgramsLogistic;

    private static TextFeaturizingEstimator.Options WideNgrams() => new()
    {
        CaseMode = TextNormalizingEstimator.CaseMode.Lower,
        KeepNumbers = true,
        KeepPunctuations = true,
        WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true },
        CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = 5, UseAllLengths = true },
        Norm = TextFeaturizingEstimator.NormFunction.L2,
    };
}
