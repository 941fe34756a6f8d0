using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace ServerlessMl.Reporting;

/// <summary>
/// Feature importance for any model whose pipeline ends in one predictor over a "Features" vector:
/// ML.NET's permutation feature importance (each feature's slot shuffled in turn, the metric's
/// change measured) when there are few enough slots for that to be quick; for a wide linear model
/// (text n-grams: tens of thousands of slots) the largest weights instead.
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
