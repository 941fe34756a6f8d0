using ServerlessMl.Definitions;

namespace ServerlessMl.Registry;

/// <summary>
/// Everything needed to trust, compare and reproduce one model version. Written once, beside
/// model.zip, and never changed.
/// </summary>
internal sealed record ModelManifest
{
    public required string Model { get; init; }
    public required string Version { get; init; }
    public required DateTimeOffset CreatedUtc { get; init; }
    public required TrainerDescription Trainer { get; init; }

    private readonly string _task = ModelTasks.Regression;

    /// <summary>The model's task; manifests from before tasks existed are regression.</summary>
    /// <remarks>
    /// Null is taken as absent: the generated JSON reader sets every init-only property, those
    /// missing from the file to null, where the reflection-based one left the initializer's value.
    /// </remarks>
    public string Task { get => _task; init => _task = value ?? ModelTasks.Regression; }

    /// <summary>Which rows were held out, in words (null in manifests that held out days only).</summary>
    public string? Holdout { get; init; }

    /// <summary>The candidate's quality on the held-out (most recent) days.</summary>
    public required QualityMetrics Metrics { get; init; }
    public required DayRange ValidationWindow { get; init; }

    /// <summary>Candidate and champion on exactly the same rows; null when there was no champion to compare.</summary>
    public ChampionComparison? Comparison { get; init; }
    public required GateDecision Gate { get; init; }

    /// <summary>Whether model.zip was refit on all days, held-out days included, after the gate.</summary>
    public required bool RefitOnAllData { get; init; }
    public required DataSnapshot Data { get; init; }
    public required string InputSchemaHash { get; init; }
    public required string MlNetVersion { get; init; }
    public required string AppVersion { get; init; }
    public required ModelFile ModelFile { get; init; }

    /// <summary>
    /// What makes this manifest unfit to describe <paramref name="model"/> version
    /// <paramref name="version"/>, or null when every field a loader relies on is well-formed. A
    /// manifest is data from storage: a hand edit or a partial write must be refused, not trusted.
    /// </summary>
    public string? Defect(string model, string version)
    {
        if (!string.Equals(Model, model, StringComparison.Ordinal) || !string.Equals(Version, version, StringComparison.Ordinal))
        {
            return $"it describes {Model ?? "no model"} version {Version ?? "none"}, not {model} version {version}";
        }

        if (!IsSha256(InputSchemaHash))
        {
            return "its inputSchemaHash is not a sha256 (64 hex digits)";
        }

        if (ModelFile is null || !IsSha256(ModelFile.Sha256) || ModelFile.SizeBytes <= 0)
        {
            return "its modelFile has no valid sha256 (64 hex digits) or size";
        }

        return Metrics is null || Gate is null || Data is null || Trainer is null
            ? "it lacks metrics, gate, data or trainer"
            : null;
    }

    private static bool IsSha256(string? text) => text is { Length: 64 } && text.All(char.IsAsciiHexDigit);
}

internal sealed record DayRange(DateOnly FirstDay, DateOnly LastDay, int Days);

/// <summary>
/// The candidate against the champion on the same rows. <see cref="Window"/> names the days, each
/// an origin; <see cref="ServedBy"/> the versions scored on them (the champion alone when absent):
/// each day by the version that was serving then.
/// </summary>
internal sealed record ChampionComparison(string ChampionVersion, DayRange Window, QualityMetrics Candidate, QualityMetrics Champion)
{
    public IReadOnlyList<string>? ServedBy { get; init; }
}

internal sealed record GateDecision(bool Passed, IReadOnlyList<string> Reasons)
{
    /// <summary>The thresholds it was decided under; null in manifests written before they were recorded.</summary>
    public GateSettings? Thresholds { get; init; }
}

/// <summary>A gate's thresholds as a manifest records them: a decision under other values is no longer the last word.</summary>
internal sealed record GateSettings(string FloorMetric, double Floor, string ComparisonMetric, double MaxRegression)
{
    public static GateSettings Of(GateThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        return new(thresholds.FloorMetric, thresholds.Floor, thresholds.ComparisonMetric, thresholds.MaxRegression);
    }
}

internal sealed record ModelFile(string Sha256, long SizeBytes);

/// <summary>The training data a version was built from.</summary>
internal sealed record DataSnapshot(IReadOnlyList<DataBlob> Blobs, long Rows, string ContentHash, DateOnly FirstDay, DateOnly LastDay)
{
    /// <summary>Valid rows the model's row filter left out of training, over every file.</summary>
    public long DroppedRows => Blobs.Sum(b => b.DroppedRows);

    /// <summary>True when both name the same blobs at the same ETags (the same bytes, as storage sees it).</summary>
    public bool SameBlobsAs(IReadOnlyList<DataBlob> other) =>
        Blobs.Count == other.Count
        && Blobs.OrderBy(b => b.Name, StringComparer.Ordinal).Zip(other.OrderBy(b => b.Name, StringComparer.Ordinal))
            .All(p => p.First.Name == p.Second.Name && p.First.ETag == p.Second.ETag);
}

internal sealed record DataBlob(string Name, string ETag, DateOnly Day, long Rows, string Sha256)
{
    /// <summary>Valid rows of the file the model's row filter left out of training (included in <see cref="Rows"/>).</summary>
    public long DroppedRows { get; init; }
}

/// <summary>The alias file that says which version serves.</summary>
internal sealed record ChampionAlias(string Model, string Version, DateTimeOffset PromotedUtc, string Reason);
