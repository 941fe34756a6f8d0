using ServerlessMl.Definitions;
using ServerlessMl.Registry;
using ServerlessMl.Reporting;

namespace ServerlessMl.Cli.Report;

/// <summary>
/// What a report shows for one version: its manifest, the model's other versions, and the held-out
/// rows scored again by the model trained without them (the one the gate judged), with the
/// metrics that re-scoring gave and the features it relied on; and the model's recorded live days, oldest first.
/// </summary>
internal sealed record ModelReport(
    IModelDefinition Definition,
    ModelManifest Manifest,
    IReadOnlyList<ModelManifest> History,
    string? Champion,
    QualityMetrics Rescored,
    ScoredRows Scores,
    FeatureImportances Importance,
    IReadOnlyList<Monitoring.LiveDay> Live)
{
    public bool IsClassifier => Definition is IBinaryClassifier;

    /// <summary>The decision threshold and class names of a binary classifier, as the definition serves them.</summary>
    public (double Threshold, string Positive, string Negative) Classes =>
        Definition is IBinaryClassifier binary ? (binary.Threshold, binary.PositiveLabel, binary.NegativeLabel) : (0.5, "positive", "negative");
}
