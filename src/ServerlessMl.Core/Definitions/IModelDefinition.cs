using Microsoft.ML;
using ServerlessMl.Reporting;

namespace ServerlessMl.Definitions;

/// <summary>
/// A model as the training job, the registry and the pool see it, whatever its types: what
/// <see cref="ModelDefinition{TRow, TRequest, TFeatures, TPrediction}"/> derives from what a model
/// author writes.
/// </summary>
internal interface IModelDefinition
{
    string Name { get; }

    string Description { get; }

    /// <summary>The task (<see cref="ModelTasks"/>): its metrics and the shape of its answers.</summary>
    string Task { get; }

    DataFormat Format { get; }

    HoldoutSplit Split { get; }

    GateThresholds DefaultGate { get; }

    /// <summary>Changes whenever the features handed to the model change shape or meaning.</summary>
    string InputSchemaHash { get; }

    /// <summary>The pipeline's steps and settings, read off the pipeline; recorded in the manifest.</summary>
    TrainerDescription Trainer { get; }

    Type RequestType { get; }

    /// <summary>Types of the response bodies for one prediction and for a batch (in the OpenAPI document).</summary>
    (Type Single, Type Batch) AnswerTypes { get; }

    object? ExampleRequest { get; }

    /// <summary>
    /// Checks that one data file is UTF-8 text and every row passes the model's checks; throws
    /// <see cref="DataValidationException"/> naming the row on the first problem. Neither the
    /// file's <paramref name="day"/> nor a row's may be after <paramref name="latestDay"/>.
    /// </summary>
    FileCheck ValidateFile(MLContext ml, string localPath, string blobName, DateOnly day, DateOnly latestDay);

    /// <summary>Streams the kept rows of the files, all or one side of the split, through the featurizer.</summary>
    IDataView LoadFeatures(MLContext ml, IReadOnlyList<string> localPaths, RowSelection rows = RowSelection.All);

    IEstimator<ITransformer> CreatePipeline(MLContext ml);

    /// <summary>The metrics of <paramref name="model"/> on <paramref name="features"/>: <see cref="Metrics"/> of <see cref="Score"/>.</summary>
    QualityMetrics Evaluate(MLContext ml, ITransformer model, IDataView features);

    /// <summary>The model's predictions on <paramref name="features"/> in the label's units, with each row's report groups.</summary>
    ScoredRows Score(MLContext ml, ITransformer model, IDataView features);

    /// <summary>The task's metrics of scored rows (possibly scored by several models): the one place they are computed.</summary>
    QualityMetrics Metrics(IEnumerable<ScoredRow> rows);

    /// <summary>How much the model relies on each feature, measured on <paramref name="features"/>.</summary>
    FeatureImportances Importance(MLContext ml, ITransformer model, IDataView features);

    /// <summary>A prediction engine for a loaded model, of the definition's own types.</summary>
    object CreateEngine(MLContext ml, ITransformer model);

    /// <summary>
    /// A true outcome as a caller writes it (a number for a regression, a label for a classifier)
    /// as the number live metrics use; null, with <paramref name="problem"/> saying why, when it is not one.
    /// </summary>
    double? ParseTruth(System.Text.Json.JsonElement value, out string? problem);

    /// <summary>
    /// Each kept row's truth key (<see cref="ILiveTruth{TRow, TRequest}"/>) and its label in the
    /// label's units (a classifier's as 1 or 0); none when the model does not opt in.
    /// </summary>
    IEnumerable<(string Key, double Actual)> Truths(MLContext ml, IReadOnlyList<string> localPaths);

    /// <summary>Hands the definition, with its request, feature, prediction and answer types, to <paramref name="visitor"/>.</summary>
    TResult Accept<TResult>(IServingVisitor<TResult> visitor);
}

/// <summary>What one data file held: its data rows, and how many of them the model's row filter dropped.</summary>
internal readonly record struct FileCheck(long Rows, long Dropped);

/// <summary>Serving code written once for every model, called with the model's own types.</summary>
internal interface IServingVisitor<out TResult>
{
    TResult Visit<TRequest, TFeatures, TPrediction, TItem>(IServedModel<TRequest, TFeatures, TPrediction, TItem> model)
        where TRequest : class
        where TFeatures : class, new()
        where TPrediction : class, new();
}

/// <summary>A model's serving path, typed: request to features, prediction to answer item, items to a response body.</summary>
internal interface IServedModel<in TRequest, out TFeatures, in TPrediction, TItem>
{
    string Name { get; }

    TFeatures FromRequest(TRequest request);

    TItem ToItem(TPrediction prediction);

    object Answer(string version, TItem item);

    object Answer(string version, TItem[] items);

    /// <summary>The names of an answer item's fields, as a precomputed prediction stores them.</summary>
    IReadOnlyList<string> FieldNames { get; }

    /// <summary>An answer item's field values, in the order of <see cref="FieldNames"/>.</summary>
    object[] Fields(TItem item);

    /// <summary>The answer as one number, as live metrics compare it with the truth: a regression's prediction, a classifier's probability.</summary>
    double ScoreOf(TItem item);

    /// <summary>Where a later data row holds the request's truth (<see cref="ILiveTruth{TRow, TRequest}"/>); null when none can.</summary>
    string? TruthKeyOf(TRequest request);
}

/// <summary>The tasks ServerlessMl can train, judge and serve.</summary>
internal static class ModelTasks
{
    public const string Regression = "regression";
    public const string BinaryClassification = "binaryClassification";
}

/// <summary>Which rows of a model's data: every row, or one side of a split by hashed rows.</summary>
internal enum RowSelection
{
    All,
    Training,
    Holdout,
}

/// <summary>A pipeline's steps and the settings each was configured with.</summary>
internal sealed record TrainerDescription(string Name, IReadOnlyDictionary<string, string> Parameters);
