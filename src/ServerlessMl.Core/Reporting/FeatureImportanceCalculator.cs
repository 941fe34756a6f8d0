using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace ServerlessMl.Reporting;

/// <summary>
/// Feature importance for any model whose pipeline ends in one predictor over a "Features" vector:
/// ML.NET's permutation feature importance (each feature's slot shuffled in turn, the metric's
/// change measured) when there are few enough slots for that to be quick; for a wide linear model
/// (text n-grams: tens of thousands of slots) the largest weights instead. A regression pipeline
/// that does not end in its predictor (an ensemble, a transform of the score) has its input
/// columns shuffled instead, through the whole model (<see cref="PermuteInputs"/>).
/// </summary>
internal static class FeatureImportanceCalculator
{
    /// <summary>Above this many slots, permuting each one is too slow for a report.</summary>
    private const int MaxPermutedSlots = 64;

    public static FeatureImportances Compute(MLContext ml, ITransformer model, IDataView features, bool binary, int top = 20)
    {
        if (model is not IEnumerable<ITransformer> chain || chain.ToArray() is not { Length: > 0 } parts)
        {
            return FeatureImportances.None;
        }

        var predictor = parts[^1];
        var prepared = new TransformerChain<ITransformer>(parts[..^1]).Transform(features);
        if (prepared.Schema.GetColumnOrNull("Features") is not { } column)
        {
            return FeatureImportances.None;
        }

        var names = SlotNames(column);
        if (names.Length <= MaxPermutedSlots)
        {
            return binary
                ? Sorted("drop in AUC when the feature is shuffled", ml.BinaryClassification.PermutationFeatureImportanceNonCalibrated(predictor, prepared, permutationCount: 3)
                    .Select(p => new FeatureImportance(p.Key, -p.Value.AreaUnderRocCurve.Mean)), top)
                : Sorted("rise in RMSE when the feature is shuffled (in the model's label space)", ml.Regression.PermutationFeatureImportance(predictor, prepared, permutationCount: 3)
                    .Select(p => new FeatureImportance(p.Key, p.Value.RootMeanSquaredError.Mean)), top);
        }

        return LinearWeights(predictor) is { } weights
            ? Sorted("weight in the linear model (log-odds per unit), by size", weights.Select((w, i) => new FeatureImportance(i < names.Length ? names[i] : $"slot {i}", w)), top, byMagnitude: true)
            : FeatureImportances.None;
    }

    /// <summary>True when the pipeline's last step is the predictor that ML.NET's own PFI needs.</summary>
    public static bool EndsInPredictor(ITransformer model) =>
        model is IEnumerable<ITransformer> chain && chain.LastOrDefault() is IPredictionTransformer<object>;

    /// <summary>
    /// Permutation importance of each float input column of <typeparamref name="TFeatures"/> (the
    /// label aside) through the whole model: the rise in RMSE of "Score" against "Label", in the
    /// model's label space, mean of 3 seeded shuffles. Columns the model does not read rise by
    /// nothing and are left out.
    /// </summary>
    public static FeatureImportances PermuteInputs<TFeatures>(MLContext ml, ITransformer model, IDataView features, int top = 20)
        where TFeatures : class, new()
    {
        var rows = ml.Data.CreateEnumerable<TFeatures>(features, reuseRowObject: false).ToList();
        if (rows.Count < 2)
        {
            return FeatureImportances.None;
        }

        double Rmse() => ml.Regression.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(rows, features.Schema))).RootMeanSquaredError;
        var baseline = Rmse();
        var random = new Random(1);
        var importances = new List<FeatureImportance>();
        foreach (var property in typeof(TFeatures).GetProperties().Where(p => p.PropertyType == typeof(float) && p.Name != "Label" && p.CanWrite))
        {
            var original = rows.Select(r => (float)property.GetValue(r)!).ToArray();
            var rise = 0.0;
            for (var permutation = 0; permutation < 3; permutation++)
            {
                var shuffled = original.ToArray();
                random.Shuffle(shuffled);
                for (var i = 0; i < rows.Count; i++)
                {
                    property.SetValue(rows[i], shuffled[i]);
                }

                rise += Rmse() - baseline;
            }

            for (var i = 0; i < rows.Count; i++)
            {
                property.SetValue(rows[i], original[i]);
            }

            if (rise != 0)
            {
                importances.Add(new FeatureImportance(property.Name, rise / 3));
            }
        }

        return Sorted("rise in RMSE when the column is shuffled (whole model, label space)", importances, top);
    }

    private static FeatureImportances Sorted(string measure, IEnumerable<FeatureImportance> values, int top, bool byMagnitude = false) =>
        new(measure, [.. values.OrderByDescending(v => byMagnitude ? Math.Abs(v.Importance) : v.Importance).Take(top)]);

    private static string[] SlotNames(DataViewSchema.Column column)
    {
        var size = (column.Type as VectorDataViewType)?.Size ?? 1;
        if (column.HasSlotNames())
        {
            VBuffer<ReadOnlyMemory<char>> names = default;
            column.GetSlotNames(ref names);
            var dense = names.DenseValues().Select(n => n.ToString()).ToArray();
            if (dense.Length == size)
            {
                return dense;
            }
        }

        return [.. Enumerable.Range(0, size).Select(i => $"slot {i}")];
    }

    private static IReadOnlyList<float>? LinearWeights(ITransformer predictor)
    {
        var parameters = (predictor as ISingleFeaturePredictionTransformer<object>)?.Model;
        if (parameters is LinearModelParameters linear)
        {
            return [.. linear.Weights];
        }

        // A calibrated linear classifier wraps the linear model.
        // (The base class and its generic subclass both declare SubModel, so look it up by name among all.)
        var inner = parameters?.GetType().GetProperties()
            .Where(p => p.Name == "SubModel" && p.GetIndexParameters().Length == 0)
            .Select(p => p.GetValue(parameters))
            .OfType<LinearModelParameters>()
            .FirstOrDefault();
        return inner is null ? null : [.. inner.Weights];
    }
}
