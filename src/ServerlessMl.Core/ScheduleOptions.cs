using NCrontab;

namespace ServerlessMl;

/// <summary>
/// The app settings the Functions app's timers read as <c>%RetrainSchedule%</c>,
/// <c>%ScoreSchedule%</c> and <c>%LiveSchedule%</c>; checked at start-up so a typo stops the app with a clear message.
/// </summary>
internal sealed class ScheduleOptions
{
    public const string RetrainSetting = "RetrainSchedule";

    public const string ScoreSetting = "ScoreSchedule";

    public const string LiveSetting = "LiveSchedule";

    public string? RetrainSchedule { get; set; }

    public string? ScoreSchedule { get; set; }

    public string? LiveSchedule { get; set; }

    /// <summary>True for an NCRONTAB expression with six fields (second minute hour day month day-of-week).</summary>
    public static bool IsValid(string? expression) =>
        !string.IsNullOrWhiteSpace(expression)
        && expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6
        && CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true }) is not null;

    public static string Rule(string setting, string example, string meaning) =>
        $"Setting '{setting}' must be an NCRONTAB expression with 6 fields (second minute hour day month day-of-week), e.g. '{example}' for {meaning}.";
}
