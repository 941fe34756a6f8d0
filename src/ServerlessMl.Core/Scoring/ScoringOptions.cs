using System.ComponentModel.DataAnnotations;

namespace ServerlessMl.Scoring;

/// <summary>The precompute job's settings (<c>Scoring__…</c>); its timer's schedule is <c>ScoreSchedule</c>.</summary>
internal sealed class ScoringOptions
{
    public const string SectionName = "Scoring";

    /// <summary>The blob container scoring drops land in (<c>&lt;model&gt;/YYYY/MM/DD[-name].&lt;ext&gt;</c>).</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "must be a valid blob container name")]
    public string InputContainer { get; set; } = "scoring-input";

    /// <summary>The table the predictions are stored in.</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "must be a valid table name (letters and digits, 3 to 63, starting with a letter)")]
    public string PredictionsTable { get; set; } = "predictions";

    /// <summary>
    /// After a promotion, drops of this many days back (counted from today, UTC) are rescored with
    /// the new champion; older ones keep the predictions they have.
    /// </summary>
    [Range(0, 3650)]
    public int RescoreDays { get; set; } = 2;

    /// <summary>
    /// How long one run may go on before it stops at the next chunk and leaves the rest to the next
    /// run; keep it under the host's function timeout.
    /// </summary>
    [Range(1, 1440)]
    public int MaxRunMinutes { get; set; } = 25;

    /// <summary>Rows scored and stored between two writes of how far a drop has come.</summary>
    [Range(100, 10_000_000)]
    public int CheckpointRows { get; set; } = 20_000;

    /// <summary>Table transactions (of up to 100 rows of one partition) in flight at once.</summary>
    [Range(1, 64)]
    public int TableTransactionsInFlight { get; set; } = 8;

    /// <summary>Refused rows listed by name in a run's record; all are counted.</summary>
    [Range(0, 100_000)]
    public int MaxListedRefusedRows { get; set; } = 100;

    public TimeSpan MaxRunTime => TimeSpan.FromMinutes(MaxRunMinutes);
}
