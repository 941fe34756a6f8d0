using Microsoft.ML;
using ServerlessMl.Reporting;

namespace ServerlessMl.Definitions;

/// <summary>
/// A binary classifier with calibrated probabilities: AUC, F1, precision, recall, accuracy, MCC
/// and log-loss with the positive class as positive, gated on AUC and on log-loss against the
/// champion; answers <c>{model, version, label, probability}</c>. The pipeline must write float
/// <c>Score</c> and <c>Probability</c> columns.
/// </summary>
/// <typeparam name="TRow">One data row, with ML.NET <c>LoadColumn</c> attributes.</typeparam>
/// <typeparam name="TRequest">One JSON prediction request.</typeparam>
/// <typeparam name="TFeatures">The model's input; must have a bool <c>Label</c> column (true: positive).</typeparam>
public abstract class BinaryClassificationModel<TRow, TRequest, TFeatures> : ModelDefinition<TRow, TRequest, TFeatures, BinaryScore>, IServedModel<TRequest, TFeatures, BinaryScore, BinaryAnswer>, IBinaryClassifier
    where TRow : class, new()
    where TRequest : class
    where TFeatures : class, new()
{
    /// <summary>The answer for the positive class (e.g. "spam").</summary>
    public abstract string PositiveLabel { get; }

    /// <summary>The answer for the negative class (e.g. "ham").</summary>
    public abstract string NegativeLabel { get; }

    /// <summary>The probability at or above which the answer is <see cref="PositiveLabel"/>.</summary>
    public virtual double Threshold => 0.5;

    private protected override string TaskName => ModelTasks.BinaryClassification;

    private protected override (Type Single, Type Batch) AnswerTypes => (typeof(BinaryClassificationAnswer), typeof(BinaryClassificationBatchAnswer));

    private protected override GateThresholds TaskGate() => new()
    {
        FloorMetric = MetricNames.Auc,
        Floor = 0.95,
        ComparisonMetric = MetricNames.LogLoss,
        MaxRegression = 0.10,
    };

    private protected override QualityMetrics Metrics(IEnumerable<ScoredRow> rows) =>
        BinaryClassificationMetrics.From([.. rows.Select(r => (r.Actual >= 0.5, r.Predicted))], Threshold);

    private protected override ScoredRows ScoreColumns(MLContext ml, ITransformer model, IDataView features, bool withGroups) =>
        ScoreColumns<bool>(ml, model, features, withGroups, "Probability", l => l ? 1 : 0, p => p);

    private protected override double ActualOf(TFeatures features) => LabelOf<TFeatures, bool>.Get(features) ? 1 : 0;

    private protected override FeatureImportances Importance(MLContext ml, ITransformer model, IDataView features) =>
        FeatureImportanceCalculator.Compute(ml, model, features, binary: true);

    private protected override TResult Accept<TResult>(IServingVisitor<TResult> visitor) => visitor.Visit(this);

    BinaryAnswer IServedModel<TRequest, TFeatures, BinaryScore, BinaryAnswer>.ToItem(BinaryScore prediction) =>
        new(prediction.Probability >= Threshold ? PositiveLabel : NegativeLabel, Math.Round(prediction.Probability, 4));

    object IServedModel<TRequest, TFeatures, BinaryScore, BinaryAnswer>.Answer(string version, BinaryAnswer item) =>
        new BinaryClassificationAnswer(Name, version, item.Label, item.Probability);

    object IServedModel<TRequest, TFeatures, BinaryScore, BinaryAnswer>.Answer(string version, BinaryAnswer[] items) =>
        new BinaryClassificationBatchAnswer(Name, version, items);

    IReadOnlyList<string> IServedModel<TRequest, TFeatures, BinaryScore, BinaryAnswer>.FieldNames { get; } = ["label", "probability"];

    object[] IServedModel<TRequest, TFeatures, BinaryScore, BinaryAnswer>.Fields(BinaryAnswer item) => [item.Label, item.Probability];

    double IServedModel<TRequest, TFeatures, BinaryScore, BinaryAnswer>.ScoreOf(BinaryAnswer item) => item.Probability;

    string? IServedModel<TRequest, TFeatures, BinaryScore, BinaryAnswer>.TruthKeyOf(TRequest request) => TruthKeyOf(request);

    private protected override double? ParseTruth(System.Text.Json.JsonElement value, out string? problem)
    {
        var label = value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : null;
        problem = null;
        if (string.Equals(label, PositiveLabel, StringComparison.Ordinal))
        {
            return 1;
        }

        if (string.Equals(label, NegativeLabel, StringComparison.Ordinal))
        {
            return 0;
        }

        problem = $"must be \"{PositiveLabel}\" or \"{NegativeLabel}\"";
        return null;
    }
}

/// <summary>What a binary classification pipeline writes: its <c>Score</c> and calibrated <c>Probability</c> columns.</summary>
public sealed class BinaryScore
{
    public float Score { get; set; }

    public float Probability { get; set; }
}

/// <summary>One classification: the label and the probability of the positive class.</summary>
internal sealed record BinaryAnswer(string Label, double Probability);

internal sealed record BinaryClassificationAnswer(string Model, string Version, string Label, double Probability);

internal sealed record BinaryClassificationBatchAnswer(string Model, string Version, IReadOnlyList<BinaryAnswer> Predictions);

/// <summary>What a binary classifier answers with: its two labels and the threshold between them.</summary>
internal interface IBinaryClassifier
{
    string PositiveLabel { get; }

    string NegativeLabel { get; }

    double Threshold { get; }
}
