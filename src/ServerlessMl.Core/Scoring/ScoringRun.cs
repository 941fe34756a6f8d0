namespace ServerlessMl.Scoring;

/// <summary>How a scoring run ended.</summary>
internal enum ScoringStatus
{
    /// <summary>Every drop due was scored (some rows may have been refused: see the record).</summary>
    Completed,

    /// <summary>Nothing new: every drop was scored by this champion already.</summary>
    UpToDate,

    /// <summary>The run's time ran out, or its host stopped it; the next run resumes where the record says.</summary>
    Stopped,

    /// <summary>Another scoring run of the model holds its lease; this one did nothing.</summary>
    Busy,

    /// <summary>Storage, the champion or the model stopped the run; the record says where, and the next run resumes there.</summary>
    Failed,
}

/// <summary>
/// The record of one scoring run, stored as <c>&lt;model&gt;/scoring/runs/&lt;id&gt;.json</c> in the
/// models container and answered by the score route: what was scored with which version, and what was not.
/// </summary>
internal sealed record ScoringRun
{
    public required string Id { get; init; }
    public required string Model { get; init; }
    public required string Trigger { get; init; }
    public required DateTimeOffset StartedUtc { get; init; }
    public ScoringStatus Status { get; set; } = ScoringStatus.Completed;

    /// <summary>The champion version this run pinned; every row it wrote carries it.</summary>
    public string? Version { get; set; }
    public DateTimeOffset? FinishedUtc { get; set; }
    public double? DurationSeconds { get; set; }
    public List<string> Reasons { get; } = [];

    /// <summary>A failed run that storage stopped (try again later), as opposed to the champion or the model.</summary>
    public bool StorageFailed { get; set; }
    public List<DropResult> Drops { get; } = [];

    /// <summary>The first refused rows, up to the listing limit; <see cref="RowsRefused"/> counts them all.</summary>
    public List<RefusedRow> RefusedRows { get; } = [];
    public long RowsScored => Drops.Sum(d => d.RowsScored);

    /// <summary>Lists a refused row while the list is shorter than <paramref name="limit"/>.</summary>
    public void ListRefused(RefusedRow row, int limit)
    {
        if (RefusedRows.Count < limit)
        {
            RefusedRows.Add(row);
        }
    }

    public long RowsRefused => Drops.Sum(d => d.RowsRefused);
}

/// <summary>What a run did with one drop. <see cref="EndRow"/> is where the drop stands: a run that stopped part-way names the last row it stored.</summary>
internal sealed record DropResult
{
    public required string Blob { get; init; }
    public required string ETag { get; init; }
    public long StartRow { get; init; }
    public long EndRow { get; set; }
    public long RowsScored { get; set; }
    public long RowsRefused { get; set; }
    public bool Complete { get; set; }

    /// <summary>Why the drop could not be read or finished, when it could not.</summary>
    public string? Problem { get; set; }
}

/// <summary>A row a run did not score, and why.</summary>
internal sealed record RefusedRow(string Blob, long Row, string Reason);

/// <summary>
/// Where each drop stands with the model's scoring, stored as <c>&lt;model&gt;/scoring/ledger.json</c>:
/// the drop's ETag and the version that scored it, and how far (a drop the time limit cut short
/// is resumed from <see cref="DropState.Rows"/>).
/// </summary>
internal sealed record ScoringLedger
{
    public Dictionary<string, DropState> Drops { get; init; } = new(StringComparer.Ordinal);
}

/// <param name="Problem">Why the drop could not be read, for a drop skipped as unreadable (until its ETag changes).</param>
internal sealed record DropState(string ETag, string Version, long Rows, bool Complete, DateTimeOffset UpdatedUtc, string? Problem = null);
