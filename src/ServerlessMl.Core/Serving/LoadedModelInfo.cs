using ServerlessMl.Registry;

namespace ServerlessMl.Serving;

/// <summary>What this instance serves for one model, and what went wrong last.</summary>
internal sealed record LoadedModelInfo
{
    public required string Model { get; init; }

    /// <summary>The version this instance predicts with; null before the first successful load.</summary>
    public string? Version { get; init; }
    public DateTimeOffset? LoadedUtc { get; init; }
    public ModelManifest? Manifest { get; init; }

    /// <summary>A champion version this instance refused to load (corrupt, hash mismatch, wrong schema), and why.</summary>
    public string? FailedVersion { get; init; }
    public string? FailureReason { get; init; }

    public DateTimeOffset? LastCheckUtc { get; init; }

    /// <summary>Why the last check of the champion alias did not complete (e.g. storage unreachable); null when it did.</summary>
    public string? LastCheckError { get; init; }

    /// <summary>The last check found no champion alias (deleted, or never trained).</summary>
    public bool NoChampion { get; init; }

    /// <summary>Serving, but not what the registry says it should (a failed version, a failing check, no champion).</summary>
    public bool Degraded => FailedVersion is not null || LastCheckError is not null || (NoChampion && Version is not null);
}
