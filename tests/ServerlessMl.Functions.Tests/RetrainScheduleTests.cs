using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ServerlessMl.Testing;

namespace ServerlessMl.Functions.Tests;

public sealed class RetrainScheduleTests
{
    [Theory]
    [InlineData("RetrainSchedule")]
    [InlineData("ScoreSchedule")]
    public void The_sample_settings_schedules_are_valid_six_field_ncrontab_expressions(string setting)
    {
        var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")));
        var schedule = sample.RootElement.GetProperty("Values").GetProperty(setting).GetString();

        Assert.True(ScheduleOptions.IsValid(schedule), $"'{schedule}' is not a 6-field NCRONTAB expression");
    }

    [Theory]
    [InlineData("retrainSchedule")]
    [InlineData("scoreSchedule")]
    public void The_bicep_default_schedules_are_valid_six_field_ncrontab_expressions(string parameter)
    {
        var bicep = File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "main.bicep"));
        var line = bicep.Split('\n').Single(l => l.TrimStart().StartsWith("param " + parameter, StringComparison.Ordinal));
        var schedule = line[(line.IndexOf('\'', StringComparison.Ordinal) + 1)..line.LastIndexOf('\'')];

        Assert.True(ScheduleOptions.IsValid(schedule), $"'{schedule}' is not a 6-field NCRONTAB expression");
    }

    [Theory]
    [InlineData("0 0 2 * * *", true)]
    [InlineData("0 */30 * * * 1-5", true)]
    [InlineData("0 2 * * *", false)] // five fields: Unix cron, not NCRONTAB
    [InlineData("0 0 25 * * *", false)]
    [InlineData("nightly", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Validates_expressions(string? expression, bool valid) =>
        Assert.Equal(valid, ScheduleOptions.IsValid(expression));

}
