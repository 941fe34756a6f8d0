using System.ComponentModel.DataAnnotations;

namespace ServerlessMl.Definitions;

/// <summary>
/// The quality gate a candidate must pass before it becomes champion: a floor on one metric on the
/// held-out rows, and no regression beyond a tolerance in one metric against the champion on the
/// same rows. Which metrics is the model's choice; the values can be set per model
/// (<c>Models__&lt;name&gt;__Gate__Floor</c>, <c>Models__&lt;name&gt;__Gate__MaxRegression</c>).
/// </summary>
public sealed class GateThresholds
{
    /// <summary>The metric the floor applies to (e.g. rSquared, auc).</summary>
    public string FloorMetric { get; set; } = MetricNames.RSquared;

    /// <summary>The worst acceptable value of <see cref="FloorMetric"/> on the held-out rows.</summary>
    [Range(-1_000_000.0, 1_000_000.0)]
    public double Floor { get; set; } = 0.80;

    /// <summary>The metric compared with the champion's (e.g. rmse, logLoss).</summary>
    public string ComparisonMetric { get; set; } = MetricNames.Rmse;

    /// <summary>How much worse than the champion's <see cref="ComparisonMetric"/> the candidate may be, relative (0.05 = 5 %).</summary>
    [Range(0.0, 10.0)]
    public double MaxRegression { get; set; } = 0.05;
}
