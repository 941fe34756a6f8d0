namespace ServerlessMl.Reporting;

/// <summary>
/// A model's predictions on held-out rows, in the label's units, each with the groups it belongs
/// to (e.g. hour of day): what a report plots. For a binary classifier, Actual is 1 or 0 and
/// Predicted the probability of the positive class.
/// </summary>
internal sealed record ScoredRows(IReadOnlyList<string> GroupNames, IReadOnlyList<ScoredRow> Rows);

internal sealed record ScoredRow(double Actual, double Predicted, IReadOnlyList<string> Groups);

/// <summary>How much the model relies on one feature, and what the number measures.</summary>
internal sealed record FeatureImportance(string Feature, double Importance);

/// <summary>The importances of a model's features, by one measure, largest first.</summary>
internal sealed record FeatureImportances(string Measure, IReadOnlyList<FeatureImportance> Features)
{
    public static readonly FeatureImportances None = new("none", []);
}
