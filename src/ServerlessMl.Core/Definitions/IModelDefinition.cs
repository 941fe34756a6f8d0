using Microsoft.ML;

namespace ServerlessMl.Definitions;

/// <summary>
/// Everything the generic machinery (training job, registry, serving) needs to know about one
/// model. Derive from <see cref="RegressionModelDefinition{TRow, TRequest, TFeatures, TPrediction}"/>
/// or <see cref="BinaryClassificationModelDefinition{TRow, TRequest, TFeatures, TPrediction}"/>,
/// and register it with <see cref="ServerlessMlBuilder.AddModel{TModel}"/>.
/// </summary>
public interface IModelDefinition
{
    /// <summary>URL-safe name; also the blob prefix in training-data/ and models/.</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>The task (<see cref="ModelTasks"/>): its metrics and the shape of its answers.</summary>
    string Task { get; }

    /// <summary>How the model's data files are written.</summary>
    DataFormat Format { get; }

    /// <summary>Which rows are held out to judge a candidate.</summary>
    HoldoutSplit Split { get; }

    GateThresholds DefaultGate { get; }

    /// <summary>Changes whenever the features handed to the model change shape or meaning.</summary>
    string InputSchemaHash { get; }

    /// <summary>Trainer name and its parameters, recorded in the manifest.</summary>
    TrainerDescription Trainer { get; }

    /// <summary>Type of the JSON request body a caller sends for one prediction.</summary>
    Type RequestType { get; }

    /// <summary>Types of the response bodies for one prediction and for a batch (the task's; in the OpenAPI document).</summary>
    (Type Single, Type Batch) AnswerTypes { get; }

    /// <summary>A request that passes validation, shown as the example in the OpenAPI document; null for none.</summary>
    object? ExampleRequest { get; }

    /// <summary>
    /// Checks that one data file is UTF-8 text, reads it with ML.NET's text loader and checks every
    /// row; throws <see cref="Training.DataValidationException"/> naming the row on the first problem.
    /// Neither the file's <paramref name="day"/> nor a row's may be after <paramref name="latestDay"/>.
    /// </summary>
    /// <returns>The number of data rows.</returns>
    long ValidateFile(MLContext ml, string localPath, string blobName, DateOnly day, DateOnly latestDay);

    /// <summary>Streams the rows of the given files, all or one side of the split, through the featurizer.</summary>
    IDataView LoadFeatures(MLContext ml, IReadOnlyList<string> localPaths, RowSelection rows = RowSelection.All);

    IEstimator<ITransformer> CreatePipeline(MLContext ml);

    /// <summary>Scores <paramref name="features"/> and compares against the label, in the label's own units.</summary>
    QualityMetrics Evaluate(MLContext ml, ITransformer model, IDataView features);

    /// <summary>The model's predictions on <paramref name="features"/>, with each row's report groups (for plots).</summary>
    Reporting.ScoredRows Score(MLContext ml, ITransformer model, IDataView features);

    /// <summary>The metrics <see cref="Evaluate"/> would give, from rows scored by <see cref="Score"/> (possibly by several models).</summary>
    QualityMetrics Metrics(IEnumerable<Reporting.ScoredRow> rows);

    /// <summary>
    /// How much the model relies on each feature, measured on <paramref name="features"/>: ML.NET's
    /// permutation feature importance where the features are few enough, else the linear model's
    /// largest weights; <see cref="Reporting.FeatureImportances.None"/> when neither applies.
    /// </summary>
    Reporting.FeatureImportances Importance(MLContext ml, ITransformer model, IDataView features);

    /// <summary>
    /// What a backtest compares by default: the model's own pipeline first, then the references
    /// it must beat.
    /// </summary>
    IReadOnlyList<Backtesting.IBacktestRecipe> BacktestRecipes { get; }

    /// <summary>
    /// Recipes a backtest runs only when named (<c>serverless-ml backtest --recipe</c>): the
    /// candidates the shipped pipeline was chosen among, kept so the comparison can be rerun.
    /// </summary>
    IReadOnlyList<Backtesting.IBacktestRecipe> CandidateRecipes { get; }

    /// <summary>A prediction engine for a loaded model, typed by the definition.</summary>
    object CreateEngine(MLContext ml, ITransformer model);

    /// <summary>Featurizes one validated request and predicts with an engine from <see cref="CreateEngine"/>: one answer item.</summary>
    object Predict(object engine, object request);

    /// <summary>The response body for one prediction.</summary>
    object Answer(string version, object prediction);

    /// <summary>The response body for a batch, answers in request order.</summary>
    object Answer(string version, IReadOnlyList<object> predictions);
}

/// <summary>The tasks ServerlessMl can train, judge and serve.</summary>
internal static class ModelTasks
{
    public const string Regression = "regression";
    public const string BinaryClassification = "binaryClassification";
}

/// <summary>Which rows of a model's data: every row, or one side of its <see cref="HashedRowsSplit"/>.</summary>
public enum RowSelection
{
    All,
    Training,
    Holdout,
}

/// <summary>A trainer's name and the parameters it was configured with.</summary>
public sealed record TrainerDescription(string Name, IReadOnlyDictionary<string, string> Parameters);
