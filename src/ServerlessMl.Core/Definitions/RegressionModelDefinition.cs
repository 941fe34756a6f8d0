using Microsoft.ML;

namespace ServerlessMl.Definitions;

/// <summary>
/// A regression model: R², RMSE and MAE in the label's own units, gated on R² and on RMSE against
/// the champion; answers <c>{model, version, prediction}</c>.
/// </summary>
/// <typeparam name="TRow">One data row, with ML.NET <c>LoadColumn</c> attributes.</typeparam>
/// <typeparam name="TRequest">One JSON prediction request.</typeparam>
/// <typeparam name="TFeatures">The model's input; must have a float <c>Label</c> column.</typeparam>
/// <typeparam name="TPrediction">The model's output; must have a float <c>Score</c> column.</typeparam>
public abstract class RegressionModelDefinition<TRow, TRequest, TFeatures, TPrediction> : ModelDefinition<TRow, TRequest, TFeatures, TPrediction>
    where TRow : class, new()
    where TRequest : class
    where TFeatures : class, new()
    where TPrediction : class, new()
{
    public sealed override string Task => ModelTasks.Regression;

    public override GateThresholds DefaultGate => new();

    /// <summary>Maps a raw model score back to the label's units (inverse of any label transform).</summary>
    public virtual double ToLabelUnits(float value) => value;

    public override (Type Single, Type Batch) AnswerTypes => (typeof(RegressionAnswer), typeof(RegressionBatchAnswer));

    /// <summary>The raw score of a prediction, before <see cref="ToLabelUnits"/>.</summary>
    protected abstract float Score(TPrediction prediction);

    public override QualityMetrics Metrics(IEnumerable<Reporting.ScoredRow> rows) =>
        RegressionMetrics.From(rows.Select(r => (r.Actual, r.Predicted)));

    public override QualityMetrics Evaluate(MLContext ml, ITransformer model, IDataView features)
    {
        ArgumentNullException.ThrowIfNull(model);
        // One cursor for both columns: each cursor re-reads and re-featurizes the files.
        var scored = model.Transform(features);
        var labelColumn = scored.Schema["Label"];
        var scoreColumn = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor([labelColumn, scoreColumn]);
        var label = cursor.GetGetter<float>(labelColumn);
        var score = cursor.GetGetter<float>(scoreColumn);
        return RegressionMetrics.From(Pairs());

        IEnumerable<(double Actual, double Predicted)> Pairs()
        {
            float l = 0, s = 0;
            while (cursor.MoveNext())
            {
                label(ref l);
                score(ref s);
                yield return (ToLabelUnits(l), ToLabelUnits(s));
            }
        }
    }

    public override Reporting.ScoredRows Score(MLContext ml, ITransformer model, IDataView features) =>
        ScoreColumns<float>(ml, model, features, "Score", l => ToLabelUnits(l), ToLabelUnits);

    public override Reporting.FeatureImportances Importance(MLContext ml, ITransformer model, IDataView features) =>
        Reporting.FeatureImportanceCalculator.EndsInPredictor(model)
            ? Reporting.FeatureImportanceCalculator.Compute(ml, model, features, binary: false)
            : Reporting.FeatureImportanceCalculator.PermuteInputs<TFeatures>(ml, model, features);

    public override object Predict(object engine, object request) => ToLabelUnits(Score(PredictRaw(engine, request)));

    public override object Answer(string version, object prediction) =>
        new RegressionAnswer(Name, version, Math.Round((double)prediction, 2));

    public override object Answer(string version, IReadOnlyList<object> predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var values = new double[predictions.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Math.Round((double)predictions[i], 2);
        }

        return new RegressionBatchAnswer(Name, version, values);
    }
}

/// <summary>One regression prediction, in the label's units.</summary>
public sealed record RegressionAnswer(string Model, string Version, double Prediction);

/// <summary>Regression predictions for a batch, in request order.</summary>
public sealed record RegressionBatchAnswer(string Model, string Version, IReadOnlyList<double> Predictions);
