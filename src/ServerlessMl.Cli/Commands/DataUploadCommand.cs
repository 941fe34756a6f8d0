using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using ServerlessMl.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli.Commands;

public sealed class DataUploadCommand : AsyncCommand<DataUploadCommand.Settings>
{
    public sealed class Settings : StorageSettings
    {
        [CommandOption("-s|--source <PATH>")]
        [Description("A folder of daily files, or one whole hour.csv to split by day.")]
        public string Source { get; init; } = "data/synthetic";

        [CommandOption("--overwrite")]
        [Description("Replace days that are already in storage (default: keep them).")]
        public bool Overwrite { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var services = CliServices.Build(settings);
        using var scratch = new ScratchFolder();
        var files = LocalDataFiles.Open(settings.Source, scratch.Path);
        var uploader = services.GetRequiredService<TrainingDataUploader>();
        var (written, existing) = await Ui.WithProgressAsync(
            $"Uploading {files.Count} day(s)",
            files.Count,
            progress => uploader.UploadAsync(settings.Model, files, settings.Overwrite, progress, cancellationToken));
        Ui.Err.MarkupLineInterpolated($"[green]Uploaded {written} day(s)[/]; {existing} already there and kept{(settings.Overwrite ? string.Empty : " (use --overwrite to replace)")}.");
        return 0;
    }
}
