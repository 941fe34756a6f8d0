using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using ServerlessMl.Cli.Score;
using ServerlessMl.Storage;
using ServerlessMl.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli.Commands;

public sealed class DataUploadCommand : AsyncCommand<DataUploadCommand.Settings>
{
    public sealed class Settings : ModelStorageSettings
    {
        [CommandOption("-s|--source <PATH>")]
        [Description("A folder of daily files, or one file: split by day when the model's data has days (bike's hour.csv), else stored as one drop.")]
        public string Source { get; init; } = "data/synthetic";

        [CommandOption("--day <DATE>")]
        [Description("The drop's day (yyyy-MM-dd) for one file of a model whose data has no days, or of a scoring drop (default: today, UTC).")]
        public string? Day { get; init; }

        [CommandOption("--overwrite")]
        [Description("Replace days (or the scoring drop) already in storage (default: keep them).")]
        public bool Overwrite { get; init; }

        [CommandOption("--scoring")]
        [Description("Upload --source, one file, as a scoring drop of a precomputed model into the scoring container (Scoring__InputContainer), named <model>/yyyy/MM/dd[[-name]].<ext>. Its rows are not checked here: the scoring job refuses, and records, rows it cannot read.")]
        public bool Scoring { get; init; }

        [CommandOption("--name <NAME>")]
        [Description("With --scoring: a name that sets this drop apart from the day's others (letters, digits, '.', '_', '-'; up to 100).")]
        public string? Name { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            base.Validate() is { Successful: false } invalid ? invalid
            : Name is not null && !Scoring ? Spectre.Console.ValidationResult.Error("--name names a scoring drop: add --scoring")
            : Scoring && ScoringDropUpload.Problem(Model, Name) is { } problem ? Spectre.Console.ValidationResult.Error(problem)
            : Day is not null && !DateOnly.TryParseExact(Day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _)
                ? Spectre.Console.ValidationResult.Error($"--day '{Day}' is not a date yyyy-MM-dd")
                : Spectre.Console.ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var day = settings.Day is null ? (DateOnly?)null : DateOnly.ParseExact(settings.Day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        if (settings.Scoring)
        {
            return await ScoringDropUpload.RunAsync(settings, day ?? DateOnly.FromDateTime(DateTime.UtcNow), cancellationToken);
        }

        using var scratch = new ScratchFolder();
        var files = LocalDataFiles.Open(settings.Source, scratch.Path, CliModels.Catalog.Get(settings.Model).Format, day);
        using var services = CliServices.Build(settings);
        var uploader = services.GetRequiredService<TrainingDataUploader>();
        var (written, existing) = await Ui.WithProgressAsync(
            $"Uploading {files.Count} day(s)",
            files.Count,
            progress => uploader.UploadAsync(settings.Model, files, settings.Overwrite, progress, cancellationToken));
        var container = services.GetRequiredService<Storage.StorageOptions>().TrainingContainer;
        Ui.Err.MarkupLineInterpolated($"[green]Uploaded {written} day(s)[/]; {existing} already there and kept{(settings.Overwrite ? string.Empty : " (use --overwrite to replace)")}.");
        Ui.Err.WriteLine($"From {Path.GetFullPath(settings.Source)} to the container {container}, as {settings.Model}/yyyy/MM/dd files.");
        return 0;
    }
}
