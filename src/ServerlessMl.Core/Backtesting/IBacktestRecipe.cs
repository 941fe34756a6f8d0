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

/// <summary>
/// Opt-in for a model with recipes worth comparing: the references a backtest holds its pipeline
/// against, and the candidates it was chosen among. A model without it is backtested on its own pipeline.
/// </summary>
public interface IBacktested
{
    /// <summary>What a backtest compares by default besides the model's own pipeline: the references it must beat.</summary>
    IReadOnlyList<IBacktestRecipe> References { get; }

    /// <summary>Recipes run only when named (<c>serverless-ml backtest --recipe</c>), so the choice can be rerun.</summary>
    IReadOnlyList<IBacktestRecipe> Candidates { get; }
}

/// <summary>A recipe that fits a pipeline on the history's features and scores the block with the model's own featurizer.</summary>
/// <param name="pipeline">The pipeline to fit; the model's own when null.</param>
public sealed class PipelineRecipe(ModelDefinition model, string name, string description, Func<MLContext, IEstimator<ITransformer>>? pipeline = null) : IBacktestRecipe
{
    /// <summary>The name of the model's own pipeline among a backtest's recipes.</summary>
    public const string Shipped = "shipped";

    private readonly IModelDefinition definition = (IModelDefinition)(model ?? throw new ArgumentNullException(nameof(model)));

    /// <summary>The recipes a backtest of <paramref name="model"/> runs by default (its own pipeline first), and every one it knows.</summary>
    internal static (IReadOnlyList<IBacktestRecipe> Default, IReadOnlyList<IBacktestRecipe> Known) Of(IModelDefinition model)
    {
        IBacktestRecipe own = new PipelineRecipe((ModelDefinition)model, Shipped, $"the model's own pipeline ({model.Trainer.Name})");
        var opted = model as IBacktested;
        IReadOnlyList<IBacktestRecipe> defaults = [own, .. opted?.References ?? []];
        return (defaults, [.. defaults, .. opted?.Candidates ?? []]);
    }

    public string Name { get; } = name;

    public string Description { get; } = description;

    public IReadOnlyList<(double Actual, double Predicted)> Forecast(MLContext ml, IReadOnlyList<string> history, IReadOnlyList<string> block)
    {
        var estimator = pipeline?.Invoke(ml) ?? definition.CreatePipeline(ml);
        var model = estimator.Fit(definition.LoadFeatures(ml, history));
        return [.. definition.Score(ml, model, definition.LoadFeatures(ml, block)).Rows.Select(r => (r.Actual, r.Predicted))];
    }
}
