using System.ComponentModel.DataAnnotations;

namespace ServerlessMl.Models;

/// <summary>
/// The quality gate a candidate must pass before it becomes champion: an absolute floor on the
/// held-out days, and no regression beyond a tolerance against the champion on the same rows.
/// </summary>
public sealed class GateThresholds
{
    /// <summary>Lowest acceptable R² on the held-out days.</summary>
    [Range(-1.0, 1.0)]
    public double MinRSquared { get; set; } = 0.80;

    /// <summary>How much worse than the champion's RMSE the candidate may be (0.05 = 5 %).</summary>
    [Range(0.0, 10.0)]
    public double MaxRmseRegression { get; set; } = 0.05;
}
