using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NCrontab;

namespace ServerlessMl;

/// <summary>
/// The <c>RetrainSchedule</c> app setting that the Functions app's retrain timer reads as
/// <c>%RetrainSchedule%</c>; checked at start-up so a typo stops the app with a clear message.
/// </summary>
public sealed class RetrainScheduleOptions
{
    public const string SettingName = "RetrainSchedule";

    public string? RetrainSchedule { get; set; }

    /// <summary>True for an NCRONTAB expression with six fields (second minute hour day month day-of-week).</summary>
    public static bool IsValid(string? expression) =>
        !string.IsNullOrWhiteSpace(expression)
        && expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6
        && CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true }) is not null;
}

public static class RetrainScheduleExtensions
{
    /// <param name="required">False for a host without the timer (serve): there an unset schedule is
    /// fine, but a set one is still checked, since the same settings are often shared with the Functions app.</param>
    public static IServiceCollection AddRetrainSchedule(this IServiceCollection services, IConfiguration configuration, bool required = true)
    {
        services.AddOptions<RetrainScheduleOptions>()
            .Configure(o => o.RetrainSchedule = configuration[RetrainScheduleOptions.SettingName])
            .Validate(
                o => (!required && o.RetrainSchedule is null) || RetrainScheduleOptions.IsValid(o.RetrainSchedule),
                $"Setting '{RetrainScheduleOptions.SettingName}' must be an NCRONTAB expression with 6 fields (second minute hour day month day-of-week), e.g. '0 0 2 * * *' for 02:00 UTC daily.")
            .ValidateOnStart();
        return services;
    }
}
