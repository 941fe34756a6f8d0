using Microsoft.ML;
using ServerlessMl.Reporting;

namespace ServerlessMl.Definitions;

/// <summary>
/// A regression model: R², RMSE and MAE in the label's own units, gated on R² and on RMSE against
/// the champion; answers <c>{model, version, prediction}</c>. The pipeline must write a float
/// <c>Score</c> column.
/// </summary>
/// <typeparam name="TRow">One data row, with ML.NET <c>LoadColumn</c> attributes.</typeparam>
/// <typeparam name="TRequest">One JSON prediction request.</typeparam>
/// <typeparam name="TFeatures">The model's input; must have a float <c>Label</c> column.</typeparam>
public abstract class RegressionModel<TRow, TRequest, TFeatures> : ModelDefinition<TRow, TRequest, TFeatures, RegressionScore>, IServedModel<TRequest, TFeatures, RegressionScore, double>
    where TRow : class, new()
    where TRequest : class
    where TFeatures : class, new()
{
    /// <summary>Maps a score back to the label's units (the inverse of any transform of the label in <see cref="ModelDefinition{TRow, TRequest, TFeatures, TPrediction}.FromRow"/>).</summary>
    protected virtual double ToLabelUnits(float value) => value;

    private protected override string TaskName => ModelTasks.Regression;

    private protected override (Type Single, Type Batch) AnswerTypes => (typeof(RegressionAnswer), typeof(RegressionBatchAnswer));

    private protected override GateThresholds TaskGate() => new();

    private protected override QualityMetrics Metrics(IEnumerable<ScoredRow> rows) =>
        RegressionMetrics.From(rows.Select(r => (r.Actual, r.Predicted)));

    private protected override ScoredRows ScoreColumns(MLContext ml, ITransformer model, IDataView features, bool withGroups) =>
        ScoreColumns<float>(ml, model, features, withGroups, "Score", l => ToLabelUnits(l), ToLabelUnits);

    private protected override double ActualOf(TFeatures features) => ToLabelUnits(LabelOf<TFeatures, float>.Get(features));

    private protected override FeatureImportances Importance(MLContext ml, ITransformer model, IDataView features) =>
        FeatureImportanceCalculator.EndsInPredictor(model)
            ? FeatureImportanceCalculator.Compute(ml, model, features, binary: false)
            : FeatureImportanceCalculator.PermuteInputs<TFeatures>(ml, model, features);

    private protected override TResult Accept<TResult>(IServingVisitor<TResult> visitor) => visitor.Visit(this);

    double IServedModel<TRequest, TFeatures, RegressionScore, double>.ToItem(RegressionScore prediction) =>
        Math.Round(ToLabelUnits(prediction.Score), 2);

    object IServedModel<TRequest, TFeatures, RegressionScore, double>.Answer(string version, double item) =>
        new RegressionAnswer(Name, version, item);

    object IServedModel<TRequest, TFeatures, RegressionScore, double>.Answer(string version, double[] items) =>
        new RegressionBatchAnswer(Name, version, items);

    IReadOnlyList<string> IServedModel<TRequest, TFeatures, RegressionScore, double>.FieldNames { get; } = ["prediction"];

    object[] IServedModel<TRequest, TFeatures, RegressionScore, double>.Fields(double item) => [item];

    double IServedModel<TRequest, TFeatures, RegressionScore, double>.ScoreOf(double item) => item;

    string? IServedModel<TRequest, TFeatures, RegressionScore, double>.TruthKeyOf(TRequest request) => TruthKeyOf(request);

    private protected override double? ParseTruth(System.Text.Json.JsonElement value, out string? problem)
    {
        if (value.ValueKind == System.Text.Json.JsonValueKind.Number && value.TryGetDouble(out var actual) && double.IsFinite(actual))
        {
            problem = null;
            return actual;
        }

        problem = "must be a finite number in the label's units";
        return null;
    }
}

/// <summary>
/// A regression on flat tabular data: the row is the model's input, and a request is the row
/// without its label (the property loaded as <c>Label</c>); every other field is required.
/// Row checks are the row's data annotations (e.g. <c>[Range]</c>), which requests are held to too.
/// </summary>
/// <typeparam name="TRow">One data row, with ML.NET <c>LoadColumn</c> attributes and one column named <c>Label</c>.</typeparam>
public abstract class TabularRegressionModel<TRow> : RegressionModel<TRow, TRow, TRow>
    where TRow : class, new()
{
    public sealed override TRow FromRow(TRow row) => row;

    public sealed override TRow FromRequest(TRow request) => request;

    /// <summary>Every loaded value present and within the row's data annotations; an override adds its own checks to <c>base.Check</c>.</summary>
    protected override string? Check(TRow row) => TabularRows.Problem(row, Format.Header);
}

/// <summary>What a regression pipeline writes: its <c>Score</c> column.</summary>
public sealed class RegressionScore
{
    public float Score { get; set; }
}

/// <summary>One regression prediction, in the label's units.</summary>
internal sealed record RegressionAnswer(string Model, string Version, double Prediction);

/// <summary>Regression predictions for a batch, in request order.</summary>
internal sealed record RegressionBatchAnswer(string Model, string Version, IReadOnlyList<double> Predictions);
