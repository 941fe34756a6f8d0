using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NCrontab;

namespace ServerlessMl;

/// <summary>
/// The <c>RetrainSchedule</c> app setting that the Functions app's retrain timer reads as
/// <c>%RetrainSchedule%</c>; checked at start-up so a typo stops the app with a clear message.
/// </summary>
internal sealed class RetrainScheduleOptions
{
    public const string SettingName = "RetrainSchedule";

    public string? RetrainSchedule { get; set; }

    /// <summary>True for an NCRONTAB expression with six fields (second minute hour day month day-of-week).</summary>
    public static bool IsValid(string? expression) =>
        !string.IsNullOrWhiteSpace(expression)
        && expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6
        && CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true }) is not null;
}
