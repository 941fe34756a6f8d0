using Microsoft.ML;

namespace ServerlessMl.Models;

/// <summary>
/// Everything the generic machinery (training job, registry, serving) needs to know about one
/// model. A model is one folder under Models/ with a class deriving from
/// <see cref="RegressionModelDefinition{TRow, TRequest, TFeatures, TPrediction}"/>, registered in
/// <see cref="ModelCatalog"/>.
/// </summary>
public interface IModelDefinition
{
    /// <summary>URL-safe name; also the blob prefix in training-data/ and models/.</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>The header every daily CSV file must have, in order.</summary>
    IReadOnlyList<string> CsvColumns { get; }

    GateThresholds DefaultGate { get; }

    /// <summary>Changes whenever the features handed to the model change shape or meaning.</summary>
    string InputSchemaHash { get; }

    /// <summary>Trainer name and its parameters, recorded in the manifest.</summary>
    TrainerDescription Trainer { get; }

    /// <summary>Type of the JSON request body a caller sends for one prediction.</summary>
    Type RequestType { get; }

    /// <summary>
    /// Reads one daily file with ML.NET's text loader and checks every row; throws
    /// <see cref="Training.DataValidationException"/> naming the row on the first problem.
    /// </summary>
    /// <returns>The number of data rows.</returns>
    long ValidateFile(MLContext ml, string localPath, string blobName, DateOnly day);

    /// <summary>Streams the rows of the given files through the featurizer into a data view.</summary>
    IDataView LoadFeatures(MLContext ml, IReadOnlyList<string> localPaths);

    IEstimator<ITransformer> CreatePipeline(MLContext ml);

    /// <summary>Scores <paramref name="features"/> and compares against the label, in the label's own units.</summary>
    QualityMetrics Evaluate(MLContext ml, ITransformer model, IDataView features);

    /// <summary>A prediction engine for a loaded model, typed by the definition.</summary>
    object CreateEngine(MLContext ml, ITransformer model);

    /// <summary>Featurizes one validated request and predicts with an engine from <see cref="CreateEngine"/>, in the label's units.</summary>
    double Predict(object engine, object request);
}

/// <summary>A trainer's name and the parameters it was configured with.</summary>
public sealed record TrainerDescription(string Name, IReadOnlyDictionary<string, string> Parameters);
