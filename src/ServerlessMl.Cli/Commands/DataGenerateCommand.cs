using System.ComponentModel;
using System.Globalization;
using ServerlessMl.Cli.Score;
using ServerlessMl.Models.BikeDemand;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli.Commands;

public sealed class DataGenerateCommand : Command<DataGenerateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-o|--output <PATH>")]
        [Description("Daily files: a local folder for them (yyyy-MM-dd.csv), created if missing; default data/synthetic. With --scoring: the drop's file (required).")]
        public string? Output { get; init; }

        [CommandOption("--start <DATE>")]
        [Description("Daily files: the first day, yyyy-MM-dd (default 2011-01-01).")]
        public string? Start { get; init; }

        [CommandOption("--days <N>")]
        [Description("Daily files: how many days, one file each (1-36500; default 120).")]
        public int? Days { get; init; }

        [CommandOption("--seed <N>")]
        [Description("Random seed: the same seed writes the same files.")]
        [DefaultValue(42)]
        public int Seed { get; init; } = 42;

        [CommandOption("--scale <FACTOR>")]
        [Description("Daily files: multiplies the rental volume (default 1; benchmarks use it for larger data).")]
        public double? Scale { get; init; }

        [CommandOption("--scoring")]
        [Description("Write one synthetic scoring drop of --model instead of daily training files: bike-demand's forecast hours (--from, --hours) or sms-spam's messages (--count).")]
        public bool Scoring { get; init; }

        [CommandOption("--model <NAME>")]
        [Description("With --scoring: bike-demand or sms-spam.")]
        public string? Model { get; init; }

        [CommandOption("--from <HOUR>")]
        [Description("With --scoring --model bike-demand: the first forecast hour, yyyy-MM-ddTHH (or yyyy-MM-dd for midnight); its rows are keyed yyyy-MM-ddTHH:00.")]
        public string? From { get; init; }

        [CommandOption("--hours <N>")]
        [Description("With --scoring --model bike-demand: how many hourly rows (1-87600; default 48).")]
        public int? Hours { get; init; }

        [CommandOption("--count <N>")]
        [Description("With --scoring --model sms-spam: how many messages, ids msg-000001 on (1-1000000; default 200).")]
        public int? Count { get; init; }

        internal DateOnly StartDay => DateOnly.ParseExact(Start ?? "2011-01-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);

        public override Spectre.Console.ValidationResult Validate() =>
            (Scoring ? SyntheticDrop.Problem(this) : DailyProblem()) is { } problem
                ? Spectre.Console.ValidationResult.Error(problem)
                : Spectre.Console.ValidationResult.Success();

        private string? DailyProblem() =>
            Model is not null || From is not null || Hours is not null || Count is not null
                ? "--model, --from, --hours and --count are for a scoring drop: add --scoring"
            : Start is not null && !DateOnly.TryParseExact(Start, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                ? "--start must be a date yyyy-MM-dd"
            : Days is < 1 or > 36500
                ? "--days must be from 1 to 36500"
            : Scale is { } scale && !(double.IsFinite(scale) && scale > 0)
                ? "--scale must be a positive number (1 is the usual volume)"
            : LastDayAfterTomorrow(StartDay) is { } last
                ? $"--start {StartDay:yyyy-MM-dd} and --days {Days ?? 120} reach {last:yyyy-MM-dd}, after tomorrow (UTC): the retrain job refuses days from the future; start earlier or generate fewer days"
            : null;

        // The same bound the retrain job and data upload apply to a drop's day.
        private DateOnly? LastDayAfterTomorrow(DateOnly start)
        {
            var last = start.AddDays((Days ?? 120) - 1);
            return last > DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1) ? last : null;
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Scoring)
        {
            return SyntheticDrop.Write(settings);
        }

        var output = settings.Output ?? "data/synthetic";
        Arguments.OutputPath.Require("--output", output, folder: true);
        var paths = new SyntheticBikeData(settings.Seed).WriteDays(output, settings.StartDay, settings.Days ?? 120, settings.Scale ?? 1.0);
        Ui.Err.MarkupLineInterpolated($"[green]Wrote {paths.Count} synthetic daily files[/] to {Path.GetFullPath(output)} (seed {settings.Seed}).");
        return 0;
    }
}
