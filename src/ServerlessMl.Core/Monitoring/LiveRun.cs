namespace ServerlessMl.Monitoring;

/// <summary>How one run of the live quality job for one model ended, and the days it wrote.</summary>
internal sealed record LiveRun(string Model, LiveRunStatus Status, IReadOnlyList<LiveDay> Days, IReadOnlyList<string> Reasons);

internal enum LiveRunStatus
{
    /// <summary>Every day of the window was computed and written.</summary>
    Completed,

    /// <summary>Another run of the model holds its lease; it writes the same days.</summary>
    Busy,

    /// <summary>The model has no champion yet: nothing has been served to judge. Not a failure of the timer.</summary>
    NoChampion,

    /// <summary>Storage failed; days already written stay as they were.</summary>
    Failed,
}
