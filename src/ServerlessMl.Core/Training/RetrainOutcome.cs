using System.Text.Json.Serialization;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;

namespace ServerlessMl.Training;

public enum RetrainStatus
{
    /// <summary>A new version passed the gate and is now champion.</summary>
    Promoted,

    /// <summary>A new version was stored but failed the gate; the champion is unchanged.</summary>
    Rejected,

    /// <summary>No new data since the last version; nothing was trained.</summary>
    Skipped,

    /// <summary>Another run of the same model holds the retrain lease; this one did nothing.</summary>
    Busy,

    /// <summary>The data, the trainer or the registry stopped the run; nothing was promoted.</summary>
    Failed,
}

/// <summary>What stopped a failed run.</summary>
public enum RetrainFailure
{
    /// <summary>A training file is bad (named with its row); fix the drop.</summary>
    Data,

    /// <summary>A training file changed while the run read it; run again.</summary>
    DataChanged,

    /// <summary>Model storage was unreachable, too slow, or refused the app's credentials; run again later.</summary>
    Storage,

    /// <summary>The champion moved while the run decided; nothing was promoted.</summary>
    Conflict,

    /// <summary>
    /// The trainer could not fit or score the data (e.g. it diverged on extreme values); the
    /// reason names the step and what the trainer said. Usually the data's to fix.
    /// </summary>
    Training,
}

/// <summary>What one retrain run did, for logs, the admin endpoint and the CLI.</summary>
public sealed record RetrainOutcome
{
    public required string Model { get; init; }
    public required RetrainStatus Status { get; init; }

    /// <summary>The version this run stored, if any.</summary>
    public string? Version { get; init; }

    /// <summary>The champion after the run.</summary>
    public string? Champion { get; init; }
    public IReadOnlyList<string> Reasons { get; init; } = [];

    /// <summary>For a failed run: what stopped it.</summary>
    public RetrainFailure? Failure { get; init; }

    /// <summary>For a busy run: when the other run's lease clears at the latest if that run died.</summary>
    public DateTimeOffset? LeaseClearsByUtc { get; init; }
    /// <summary>The candidate's metrics on its held-out rows (written in the retrain answer).</summary>
    [JsonInclude]
    internal QualityMetrics? Metrics { get; init; }

    /// <summary>Candidate and champion on the same rows, when they were compared (written in the retrain answer).</summary>
    [JsonInclude]
    internal ChampionComparison? Comparison { get; init; }
    public double DurationSeconds { get; init; }

    /// <summary>The reasons as one line, for a problem's detail, the CLI and the log.</summary>
    public string Describe() => string.Join("; ", Reasons.Select(r => r.TrimEnd('.', ' ')));
}
