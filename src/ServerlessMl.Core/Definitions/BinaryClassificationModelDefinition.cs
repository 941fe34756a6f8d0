using Microsoft.ML;

namespace ServerlessMl.Definitions;

/// <summary>
/// A binary classifier with calibrated probabilities: AUC, F1, precision, recall, accuracy, MCC
/// and log-loss with the positive class as positive, gated on AUC and on log-loss against the
/// champion; answers <c>{model, version, label, probability}</c>.
/// </summary>
/// <typeparam name="TRow">One data row, with ML.NET <c>LoadColumn</c> attributes.</typeparam>
/// <typeparam name="TRequest">One JSON prediction request.</typeparam>
/// <typeparam name="TFeatures">The model's input; must have a bool <c>Label</c> column (true: positive).</typeparam>
/// <typeparam name="TPrediction">The model's output; must have float <c>Score</c> and <c>Probability</c> columns.</typeparam>
public abstract class BinaryClassificationModelDefinition<TRow, TRequest, TFeatures, TPrediction> : ModelDefinition<TRow, TRequest, TFeatures, TPrediction>, IBinaryClassifier
    where TRow : class, new()
    where TRequest : class
    where TFeatures : class, new()
    where TPrediction : class, new()
{
    public sealed override string Task => ModelTasks.BinaryClassification;

    public override GateThresholds DefaultGate => new()
    {
        FloorMetric = MetricNames.Auc,
        Floor = 0.95,
        ComparisonMetric = MetricNames.LogLoss,
        MaxRegression = 0.10,
    };

    /// <summary>The answer for the positive class (e.g. "spam").</summary>
    public abstract string PositiveLabel { get; }

    public override (Type Single, Type Batch) AnswerTypes => (typeof(BinaryClassificationAnswer), typeof(BinaryClassificationBatchAnswer));

    /// <summary>The answer for the negative class (e.g. "ham").</summary>
    public abstract string NegativeLabel { get; }

    /// <summary>The probability at or above which the answer is <see cref="PositiveLabel"/>.</summary>
    public virtual double Threshold => 0.5;

    /// <summary>The calibrated probability of the positive class.</summary>
    protected abstract float Probability(TPrediction prediction);

    public override QualityMetrics Evaluate(MLContext ml, ITransformer model, IDataView features)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(model);
        var scored = model.Transform(features);
        var labelColumn = scored.Schema["Label"];
        var probabilityColumn = scored.Schema["Probability"];
        using var cursor = scored.GetRowCursor([labelColumn, probabilityColumn]);
        var label = cursor.GetGetter<bool>(labelColumn);
        var probability = cursor.GetGetter<float>(probabilityColumn);
        var pairs = new List<(bool Actual, double Probability)>();
        bool l = false;
        float p = 0;
        while (cursor.MoveNext())
        {
            label(ref l);
            probability(ref p);
            pairs.Add((l, p));
        }

        return BinaryClassificationMetrics.From(pairs, Threshold);
    }

    public override QualityMetrics Metrics(IEnumerable<Reporting.ScoredRow> rows) =>
        BinaryClassificationMetrics.From([.. rows.Select(r => (r.Actual >= 0.5, r.Predicted))], Threshold);

    public override Reporting.ScoredRows Score(MLContext ml, ITransformer model, IDataView features) =>
        ScoreColumns<bool>(ml, model, features, "Probability", l => l ? 1 : 0, p => p);

    public override Reporting.FeatureImportances Importance(MLContext ml, ITransformer model, IDataView features) =>
        Reporting.FeatureImportanceCalculator.Compute(ml, model, features, binary: true);

    public override object Predict(object engine, object request)
    {
        var probability = Probability(PredictRaw(engine, request));
        return new BinaryAnswer(probability >= Threshold ? PositiveLabel : NegativeLabel, Math.Round(probability, 4));
    }

    public override object Answer(string version, object prediction)
    {
        var answer = (BinaryAnswer)prediction;
        return new BinaryClassificationAnswer(Name, version, answer.Label, answer.Probability);
    }

    public override object Answer(string version, IReadOnlyList<object> predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        return new BinaryClassificationBatchAnswer(Name, version, [.. predictions.Cast<BinaryAnswer>()]);
    }
}

/// <summary>One classification: the label and the probability of the positive class.</summary>
public sealed record BinaryAnswer(string Label, double Probability);

public sealed record BinaryClassificationAnswer(string Model, string Version, string Label, double Probability);

public sealed record BinaryClassificationBatchAnswer(string Model, string Version, IReadOnlyList<BinaryAnswer> Predictions);

/// <summary>What a binary classifier answers with: its two labels and the threshold between them.</summary>
public interface IBinaryClassifier
{
    string PositiveLabel { get; }

    string NegativeLabel { get; }

    double Threshold { get; }
}
