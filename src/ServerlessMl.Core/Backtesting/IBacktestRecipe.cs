using Microsoft.ML;
using ServerlessMl.Definitions;

namespace ServerlessMl.Backtesting;

/// <summary>
/// One way to forecast a block of days from the days before it: the model's own pipeline, a
/// candidate pipeline, or a reference it has to beat (e.g. last week's value at the same hour).
/// </summary>
public interface IBacktestRecipe
{
    string Name { get; }

    string Description { get; }

    /// <summary>
    /// (actual, predicted) for every row of <paramref name="block"/>, in the label's own units,
    /// having seen only <paramref name="history"/> (local data files, oldest first).
    /// </summary>
    IReadOnlyList<(double Actual, double Predicted)> Forecast(MLContext ml, IReadOnlyList<string> history, IReadOnlyList<string> block);
}

/// <summary>A recipe that fits a pipeline on the history's features and scores the block with the model's own featurizer.</summary>
public sealed class PipelineRecipe(IModelDefinition definition, string name, string description, Func<MLContext, IEstimator<ITransformer>>? pipeline = null) : IBacktestRecipe
{
    public string Name { get; } = name;

    public string Description { get; } = description;

    public IReadOnlyList<(double Actual, double Predicted)> Forecast(MLContext ml, IReadOnlyList<string> history, IReadOnlyList<string> block)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var estimator = pipeline?.Invoke(ml) ?? definition.CreatePipeline(ml);
        var model = estimator.Fit(definition.LoadFeatures(ml, history));
        return [.. definition.Score(ml, model, definition.LoadFeatures(ml, block)).Rows.Select(r => (r.Actual, r.Predicted))];
    }
}
