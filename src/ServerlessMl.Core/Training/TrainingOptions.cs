using System.ComponentModel.DataAnnotations;

namespace ServerlessMl.Training;

internal sealed class TrainingOptions
{
    public const string SectionName = "Training";

    /// <summary>The most recent days held out to validate on (never a random split: demand grows over time).</summary>
    [Range(1, 365)]
    public int HoldoutDays { get; set; } = 14;

    /// <summary>Fewest days the candidate must be trained on, before the held-out days.</summary>
    [Range(1, 3650)]
    public int MinTrainingDays { get; set; } = 28;

    /// <summary>
    /// The newest days the champion comparison uses as single-day origins: at each, the recipe
    /// fitted on the days before it against the version that was serving then (under the
    /// champion's own recipe, only days the champion serves; README, "The retrain job", step 5).
    /// </summary>
    [Range(1, 60)]
    public int ComparisonDays { get; set; } = 7;

    /// <summary>
    /// Refit the published model on every day, held-out days included, once the gate has passed.
    /// The newest days matter most when demand grows; the gate still judges the held-out fit.
    /// </summary>
    public bool RefitOnAllData { get; set; } = true;

    /// <summary>
    /// Largest daily file the job will download, checked from the listing before any download: one
    /// oversized drop must not exhaust the instance's memory or disk.
    /// </summary>
    [Range(typeof(long), "1024", "2147483647")]
    public long MaxFileBytes { get; set; } = 32 * 1024 * 1024;
}
