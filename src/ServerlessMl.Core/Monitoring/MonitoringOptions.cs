using System.ComponentModel.DataAnnotations;
using ServerlessMl.Definitions;

namespace ServerlessMl.Monitoring;

/// <summary>
/// Settings of the live loop (<c>Monitoring__…</c>): the prediction log, the feedback log, and the
/// defaults a model's own <c>Models__&lt;name&gt;__Log__…</c> and <c>__Live__…</c> settings override.
/// </summary>
internal sealed class MonitoringOptions
{
    public const string SectionName = "Monitoring";

    /// <summary>Container of the prediction log.</summary>
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$")]
    public string LogContainer { get; set; } = "prediction-log";

    /// <summary>Container of the feedback the feedback route records.</summary>
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$")]
    public string FeedbackContainer { get; set; } = "feedback";

    /// <summary>Share of answered items logged, for models without their own <c>Log__SampleRate</c>.</summary>
    [Range(0.0, 1.0)]
    public double SampleRate { get; set; } = 0.1;

    /// <summary>What of a request's text is logged, for models without their own <c>Log__Input</c>.</summary>
    [EnumDataType(typeof(LoggedInput))]
    public LoggedInput Input { get; set; } = LoggedInput.Hash;

    /// <summary>Items waiting for the writer to make their lines; when it is full a new item is dropped and counted, never waited for.</summary>
    [Range(100, 1_000_000)]
    public int QueueCapacity { get; set; } = 20_000;

    /// <summary>Longest a made line is held before it is appended to storage (sooner when its block fills, and at shutdown).</summary>
    [Range(1, 3_600)]
    public int FlushSeconds { get; set; } = 10;

    /// <summary>Days back from today the live job recomputes on each run: truth for older days is not looked for.</summary>
    [Range(1, 90)]
    public int LookbackDays { get; set; } = 7;

    [Range(0.001, 10.0)]
    public double DriftThreshold { get; set; } = 0.25;

    [Range(0.001, 1.0)]
    public double UnseenTokenThreshold { get; set; } = 0.25;

    [Range(1, 365)]
    public int DegradedAfterDays { get; set; } = 2;

    [Range(1, 1_000_000)]
    public int MinRows { get; set; } = 30;

    /// <summary>One model's live settings: its own where it has them, these defaults otherwise.</summary>
    public ModelMonitoring For(ModelSettingsMap models, string model)
    {
        ArgumentNullException.ThrowIfNull(models);
        var own = models.For(model);
        return new ModelMonitoring(
            own.Log.SampleRate ?? SampleRate,
            own.Log.Input ?? Input,
            own.Live.DriftThreshold ?? DriftThreshold,
            own.Live.UnseenTokenThreshold ?? UnseenTokenThreshold,
            own.Live.DegradedAfterDays ?? DegradedAfterDays,
            own.Live.MinRows ?? MinRows,
            string.IsNullOrWhiteSpace(own.Challenger) ? null : own.Challenger.Trim().ToLowerInvariant());
    }
}

/// <summary>One model's live settings, resolved.</summary>
internal sealed record ModelMonitoring(
    double SampleRate,
    LoggedInput Input,
    double DriftThreshold,
    double UnseenTokenThreshold,
    int DegradedAfterDays,
    int MinRows,
    string? Challenger);
