using System.ComponentModel;
using System.Globalization;
using ServerlessMl.Models.BikeDemand;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli.Commands;

public sealed class DataGenerateCommand : Command<DataGenerateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-o|--output <FOLDER>")]
        [Description("Local folder for the daily files (yyyy-MM-dd.csv); created if missing.")]
        [DefaultValue("data/synthetic")]
        public string Output { get; init; } = "data/synthetic";

        [CommandOption("--start <DATE>")]
        [Description("First day, yyyy-MM-dd.")]
        [DefaultValue("2011-01-01")]
        public string Start { get; init; } = "2011-01-01";

        [CommandOption("--days <N>")]
        [Description("How many days, one file each (1-36500).")]
        [DefaultValue(120)]
        public int Days { get; init; } = 120;

        [CommandOption("--seed <N>")]
        [Description("Random seed: the same seed writes the same files.")]
        [DefaultValue(42)]
        public int Seed { get; init; } = 42;

        [CommandOption("--scale <FACTOR>")]
        [Description("Multiplies the rental volume (benchmarks use it for larger data).")]
        [DefaultValue(1.0)]
        public double Scale { get; init; } = 1.0;

        public override Spectre.Console.ValidationResult Validate() =>
            !DateOnly.TryParseExact(Start, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
                ? Spectre.Console.ValidationResult.Error("--start must be a date yyyy-MM-dd")
                : Days is < 1 or > 36500
                    ? Spectre.Console.ValidationResult.Error("--days must be from 1 to 36500")
                    : !(double.IsFinite(Scale) && Scale > 0)
                        ? Spectre.Console.ValidationResult.Error("--scale must be a positive number (1 is the usual volume)")
                        : LastDayAfterTomorrow(start) is { } last
                            ? Spectre.Console.ValidationResult.Error($"--start {Start} and --days {Days} reach {last:yyyy-MM-dd}, after tomorrow (UTC): the retrain job refuses days from the future; start earlier or generate fewer days")
                            : Spectre.Console.ValidationResult.Success();

        // The same bound the retrain job and data upload apply to a drop's day.
        private DateOnly? LastDayAfterTomorrow(DateOnly start)
        {
            var last = start.AddDays(Days - 1);
            return last > DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1) ? last : null;
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Arguments.OutputPath.Require("--output", settings.Output, folder: true);
        var start = DateOnly.ParseExact(settings.Start, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var paths = new SyntheticBikeData(settings.Seed).WriteDays(settings.Output, start, settings.Days, settings.Scale);
        Ui.Err.MarkupLineInterpolated($"[green]Wrote {paths.Count} synthetic daily files[/] to {Path.GetFullPath(settings.Output)} (seed {settings.Seed}).");
        return 0;
    }
}
