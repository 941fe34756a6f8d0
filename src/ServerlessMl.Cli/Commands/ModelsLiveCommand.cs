using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using ServerlessMl.Monitoring;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli.Commands;

/// <summary>
/// Runs the live quality job for one model now, exactly as its timer runs it, and prints each day
/// it wrote: logged items, each version's live metric against the gate's floor, the
/// champion-challenger comparison, and drift.
/// </summary>
public sealed class ModelsLiveCommand : AsyncCommand<ModelsLiveCommand.Settings>
{
    public const int MaxDays = 90;

    public sealed class Settings : ModelStorageSettings
    {
        [CommandOption("--days <N>")]
        [Description("Recompute the newest N days, today (UTC) included. Default: Monitoring__LookbackDays (7).")]
        public int? Days { get; init; }

        [CommandOption("--json")]
        [Description("Print the run (every day's record, as stored) as JSON instead of the summary.")]
        public bool Json { get; init; }

        public override ValidationResult Validate() =>
            base.Validate() is { Successful: false } invalid ? invalid
            : Days is < 1 or > MaxDays ? ValidationResult.Error($"--days must be from 1 to {MaxDays}")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var services = CliServices.Build(settings);
        var job = services.GetRequiredService<LiveQualityJob>();
        var run = await Ui.WithStatusAsync($"Judging the served predictions of {settings.Model}", () => job.RunAsync(settings.Model, "cli", settings.Days, cancellationToken));
        if (settings.Json)
        {
            Ui.WriteJson(run);
        }
        else
        {
            foreach (var line in LiveSummary.Lines(run))
            {
                Console.Out.WriteLine(line);
            }
        }

        if (run.Status == LiveRunStatus.Completed)
        {
            return 0;
        }

        Console.Error.WriteLine($"error: live quality of {run.Model}: {string.Join(" ", run.Reasons)}");
        return CliErrors.Failed;
    }
}
