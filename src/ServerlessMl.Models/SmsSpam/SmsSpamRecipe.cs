using ServerlessMl.Definitions;
using Microsoft.ML;
using Microsoft.ML.Data;
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
        ml => Featurized(ml, WideNgrams()).Append(Lbfgs(ml)));

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

    /// <summary>
    /// Character 1-3-grams of the message as sent (no lowercasing: capitals are a spam signal),
    /// hashed into 2^18 slots instead of looked up in a learnt dictionary, L2-normalised, and a
    /// lightly regularised logistic regression. Hashing counts every length in one pass over the
    /// characters, where the dictionary looks each length up apart.
    /// </summary>
    public static SmsSpamRecipe CasedHashedChars { get; } = new(
        "hashed-cased-c13-l2-0.003",
        "hashed char 1-3-grams of the text as sent, no lowercasing (18 bits), LbfgsLogisticRegression with L2 0.003",
        ml => Hashed(ml, wordBits: 0, charBits: 18, charNgrams: 3, allCharLengths: true, lowercase: false).Append(Lbfgs(ml, l2: 0.003f)));

    public static IReadOnlyList<SmsSpamRecipe> All { get; } =
    [
        MlNetDefault,
        WideNgramsLogistic,
        WideNgramsSdca,
        WideNgramsSvm,
        new("default-ngrams-lbfgs", "FeaturizeText defaults (word 1-grams, char 3-grams), LbfgsLogisticRegression", ml => Featurized(ml, Ngrams(1, 3, allCharLengths: false)).Append(Lbfgs(ml))),
        new("w12-c3-lbfgs", "word 1-2-grams + char 3-grams, LbfgsLogisticRegression", ml => Featurized(ml, Ngrams(2, 3, allCharLengths: false)).Append(Lbfgs(ml))),
        new("w12-c4-lbfgs", "word 1-2-grams + char 4-grams, LbfgsLogisticRegression", ml => Featurized(ml, Ngrams(2, 4, allCharLengths: false)).Append(Lbfgs(ml))),
        new("w12-c5-lbfgs", "word 1-2-grams + char 5-grams, LbfgsLogisticRegression", ml => Featurized(ml, Ngrams(2, 5, allCharLengths: false)).Append(Lbfgs(ml))),
        new("w1-c4-lbfgs", "word 1-grams + char 4-grams, LbfgsLogisticRegression", ml => Featurized(ml, Ngrams(1, 4, allCharLengths: false)).Append(Lbfgs(ml))),
        new("c4-lbfgs", "char 4-grams only, LbfgsLogisticRegression", ml => Featurized(ml, Ngrams(0, 4, allCharLengths: false)).Append(Lbfgs(ml))),
        new("w12-c14-lbfgs", "word 1-2-grams + char 1-4-grams, LbfgsLogisticRegression", ml => Featurized(ml, Ngrams(2, 4, allCharLengths: true)).Append(Lbfgs(ml))),
        new("w12-c4-nonorm-lbfgs", "word 1-2-grams + char 4-grams, no normalisation, LbfgsLogisticRegression", ml => Featurized(ml, Ngrams(2, 4, allCharLengths: false, TextFeaturizingEstimator.NormFunction.None)).Append(Lbfgs(ml))),
        new("w12-c4-l1-lbfgs", "word 1-2-grams + char 4-grams, LbfgsLogisticRegression with L1 0.25", ml => Featurized(ml, Ngrams(2, 4, allCharLengths: false)).Append(Lbfgs(ml, l1: 0.25f))),
        new("hashed-w12-c4-lbfgs", "hashed word 1-2-grams + hashed char 4-grams (16 bits each), LbfgsLogisticRegression", ml => Hashed(ml, wordBits: 16, charBits: 16, charNgrams: 4, allCharLengths: false).Append(Lbfgs(ml))),
        new("hashed-w12-c14-lbfgs", "hashed word 1-2-grams (18 bits) + hashed char 1-4-grams (20 bits), LbfgsLogisticRegression", ml => Hashed(ml, wordBits: 18, charBits: 20, charNgrams: 4, allCharLengths: true).Append(Lbfgs(ml))),
        new("hashed-w12-c15-lbfgs", "hashed word 1-2-grams (18 bits) + hashed char 1-5-grams (20 bits), LbfgsLogisticRegression", ml => Hashed(ml, wordBits: 18, charBits: 20, charNgrams: 5, allCharLengths: true).Append(Lbfgs(ml))),
        new("hashed-c15-lbfgs", "hashed char 1-5-grams only (20 bits), LbfgsLogisticRegression", ml => Hashed(ml, wordBits: 0, charBits: 20, charNgrams: 5, allCharLengths: true).Append(Lbfgs(ml))),
        new("hashed-c14-lbfgs", "hashed char 1-4-grams only (20 bits), LbfgsLogisticRegression", ml => Hashed(ml, wordBits: 0, charBits: 20, charNgrams: 4, allCharLengths: true).Append(Lbfgs(ml))),
        new("hashed-c14-b18-lbfgs", "hashed char 1-4-grams only (18 bits), LbfgsLogisticRegression", ml => Hashed(ml, wordBits: 0, charBits: 18, charNgrams: 4, allCharLengths: true).Append(Lbfgs(ml))),
        new("hashed-c14-b18-l2-0.01", "hashed char 1-4-grams only (18 bits), LbfgsLogisticRegression with L2 0.01", ml => Hashed(ml, wordBits: 0, charBits: 18, charNgrams: 4, allCharLengths: true).Append(Lbfgs(ml, l2: 0.01f))),
        new("hashed-c14-b18-nonorm", "hashed char 1-4-grams only (18 bits), no normalisation, LbfgsLogisticRegression", ml => Hashed(ml, wordBits: 0, charBits: 18, charNgrams: 4, allCharLengths: true, normalize: false).Append(Lbfgs(ml))),
        new("hashed-c13-b18-l2-0.01", "hashed char 1-3-grams only (18 bits), LbfgsLogisticRegression with L2 0.01", ml => Hashed(ml, wordBits: 0, charBits: 18, charNgrams: 3, allCharLengths: true).Append(Lbfgs(ml, l2: 0.01f))),
        new("hashed-c13-b18-l2-0.003", "hashed char 1-3-grams only (18 bits), LbfgsLogisticRegression with L2 0.003", ml => Hashed(ml, wordBits: 0, charBits: 18, charNgrams: 3, allCharLengths: true).Append(Lbfgs(ml, l2: 0.003f))),
        new("hashed-c13-b18-l2-0.001", "hashed char 1-3-grams only (18 bits), LbfgsLogisticRegression with L2 0.001", ml => Hashed(ml, wordBits: 0, charBits: 18, charNgrams: 3, allCharLengths: true).Append(Lbfgs(ml, l2: 0.001f))),
        new("hashed-c13-b16-l2-0.01", "hashed char 1-3-grams only (16 bits), LbfgsLogisticRegression with L2 0.01", ml => Hashed(ml, wordBits: 0, charBits: 16, charNgrams: 3, allCharLengths: true).Append(Lbfgs(ml, l2: 0.01f))),
        new("hashed-w1-c13-l2-0.01", "hashed word 1-grams (16 bits) + hashed char 1-3-grams (18 bits), LbfgsLogisticRegression with L2 0.01", ml => Hashed(ml, wordBits: 16, charBits: 18, charNgrams: 3, allCharLengths: true, wordNgrams: 1).Append(Lbfgs(ml, l2: 0.01f))),
        new("hashed-c13-b18-nonorm-l2-0.01", "hashed char 1-3-grams only (18 bits), no normalisation, LbfgsLogisticRegression with L2 0.01", ml => Hashed(ml, wordBits: 0, charBits: 18, charNgrams: 3, allCharLengths: true, normalize: false).Append(Lbfgs(ml, l2: 0.01f))),
        new("hashed-c14-b18-l2-0.003", "hashed char 1-4-grams only (18 bits), LbfgsLogisticRegression with L2 0.003", ml => Hashed(ml, wordBits: 0, charBits: 18, charNgrams: 4, allCharLengths: true).Append(Lbfgs(ml, l2: 0.003f))),
        new("hashed-cased-c13-l2-0.01", "hashed char 1-3-grams of the text as sent, no lowercasing (18 bits), LbfgsLogisticRegression with L2 0.01", ml => Hashed(ml, wordBits: 0, charBits: 18, charNgrams: 3, allCharLengths: true, lowercase: false).Append(Lbfgs(ml, l2: 0.01f))),
        CasedHashedChars,
        new("hashed-cased-c14-l2-0.01", "hashed char 1-4-grams of the text as sent, no lowercasing (18 bits), LbfgsLogisticRegression with L2 0.01", ml => Hashed(ml, wordBits: 0, charBits: 18, charNgrams: 4, allCharLengths: true, lowercase: false).Append(Lbfgs(ml, l2: 0.01f))),
        new("hashed-cased-c12-l2-0.01", "hashed char 1-2-grams of the text as sent, no lowercasing (18 bits), LbfgsLogisticRegression with L2 0.01", ml => Hashed(ml, wordBits: 0, charBits: 18, charNgrams: 2, allCharLengths: true, lowercase: false).Append(Lbfgs(ml, l2: 0.01f))),
        new("hashed-c15-b18-l2-0.01", "hashed char 1-5-grams only (18 bits), LbfgsLogisticRegression with L2 0.01", ml => Hashed(ml, wordBits: 0, charBits: 18, charNgrams: 5, allCharLengths: true).Append(Lbfgs(ml, l2: 0.01f))),
    ];

    /// <summary>The shipped recipe: as good as <see cref="WideNgramsLogistic"/> on the seeded splits, at ML.NET default's cost or less.</summary>
    public static SmsSpamRecipe Default => CasedHashedChars;

    private static TextFeaturizingEstimator.Options WideNgrams() => Ngrams(2, 5, allCharLengths: true);

    private static IEstimator<ITransformer> Featurized(MLContext ml, TextFeaturizingEstimator.Options options) =>
        ml.Transforms.Text.FeaturizeText("Features", options, nameof(SmsFeatures.Text));

    private static TextFeaturizingEstimator.Options Ngrams(int wordNgrams, int charNgrams, bool allCharLengths, TextFeaturizingEstimator.NormFunction norm = TextFeaturizingEstimator.NormFunction.L2) => new()
    {
        CaseMode = TextNormalizingEstimator.CaseMode.Lower,
        KeepNumbers = true,
        KeepPunctuations = true,
        WordFeatureExtractor = wordNgrams > 0 ? new WordBagEstimator.Options { NgramLength = wordNgrams, UseAllLengths = true } : null,
        CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = charNgrams, UseAllLengths = allCharLengths },
        Norm = norm,
    };

    /// <summary>The featurizer's steps by hand, with hashed n-grams in place of learnt dictionaries.</summary>
    private static IEstimator<ITransformer> Hashed(MLContext ml, int wordBits, int charBits, int charNgrams, bool allCharLengths, bool normalize = true, int wordNgrams = 2, bool lowercase = true)
    {
        // Without lowercasing the text goes to the tokenizers as sent: capitals are a spam signal of their own.
        var text = lowercase ? "Normalized" : nameof(SmsFeatures.Text);
        var start = new EstimatorChain<ITransformer>();
        var chars = (lowercase
                ? start.Append<ITransformer>(ml.Transforms.Text.NormalizeText("Normalized", nameof(SmsFeatures.Text), TextNormalizingEstimator.CaseMode.Lower, keepDiacritics: false, keepPunctuations: true, keepNumbers: true))
                : start)
            .Append(ml.Transforms.Text.TokenizeIntoCharactersAsKeys("Chars", text, useMarkerCharacters: true))
            .Append(ml.Transforms.Text.ProduceHashedNgrams("CharGrams", "Chars", numberOfBits: charBits, ngramLength: charNgrams, useAllLengths: allCharLengths));
        return wordBits == 0
            ? chars.Append(normalize ? (IEstimator<ITransformer>)ml.Transforms.NormalizeLpNorm("Features", "CharGrams") : ml.Transforms.CopyColumns("Features", "CharGrams"))
            : chars.Append(ml.Transforms.Text.ProduceHashedWordBags("Words", text, numberOfBits: wordBits, ngramLength: wordNgrams, useAllLengths: true))
                .Append(ml.Transforms.Concatenate("Features", "Words", "CharGrams"))
                .Append(ml.Transforms.NormalizeLpNorm("Features"));
    }

    private static IEstimator<ITransformer> Lbfgs(MLContext ml, float l2 = 0.1f, float l1 = 0f) =>
        ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new Microsoft.ML.Trainers.LbfgsLogisticRegressionBinaryTrainer.Options
        {
            L2Regularization = l2,
            L1Regularization = l1,
        });
}
