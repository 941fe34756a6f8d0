using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using ServerlessMl.Storage;
using ServerlessMl.Cli.Report;
using ServerlessMl.Registry;
using ServerlessMl.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli.Commands;

/// <summary>
/// Writes a self-contained HTML report of one version: the gate's decision and what it rested on,
/// its metrics next to the other versions', the data snapshot, and plots of the held-out rows as
/// scored by the model the gate judged (retrained here without them from the same drops), and
/// the model's live quality when the live job has recorded days.
/// </summary>
public sealed class ModelsReportCommand : AsyncCommand<ModelsReportCommand.Settings>
{
    public sealed class Settings : ModelStorageSettings
    {
        [CommandOption("--version <VERSION>")]
        [Description("Version to report on (default: the champion, else the newest).")]
        public string? Version { get; init; }

        [CommandOption("-o|--output <FOLDER>")]
        [Description("Folder for index.html and its pictures; created if missing.")]
        public string Output { get; init; } = string.Empty;

        public override ValidationResult Validate() =>
            base.Validate() is { Successful: false } invalid ? invalid
            : string.IsNullOrWhiteSpace(Output) ? ValidationResult.Error("--output is required: the folder to write the report into")
            : Version is not null && !ModelRegistry.IsVersion(Version) ? ValidationResult.Error("--version must be a version number such as 0003")
            : ValidationResult.Success();
    }

    // Enough days to show a trend, few enough to read each time a report is written.
    private const int LiveDaysShown = 90;

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var output = Arguments.OutputPath.Require("--output", settings.Output, folder: true);
        using var services = CliServices.Build(settings);
        var registry = services.GetRequiredService<ModelRegistry>();
        var definition = CliModels.Catalog.Get(settings.Model);
        var champion = (await registry.CheckChampionAsync(settings.Model, known: null, cancellationToken)).Alias?.Version;
        var history = await registry.ListVersionsAsync(settings.Model, cancellationToken);
        var version = settings.Version ?? champion ?? history.LastOrDefault()?.Version
            ?? throw new CliException($"{settings.Model} has no versions yet; upload data and run serverless-ml train --model {settings.Model}.");
        ModelManifest manifest;
        try
        {
            manifest = await registry.GetManifestAsync(settings.Model, version, cancellationToken)
                ?? throw new CliException($"{settings.Model} has no version {version} (list them with models list).");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw ModelsShowCommand.UnreadableManifest(settings.Model, version, ex);
        }

        using var scratch = new ScratchFolder();
        IReadOnlyList<DataFile> downloaded;
        try
        {
            downloaded = await Ui.WithStatusAsync(
                $"Downloading the {manifest.Data.Blobs.Count} drop(s) version {version} was trained on",
                () => services.GetRequiredService<TrainingDataSource>().DownloadSnapshotAsync(manifest.Data, scratch.Path, cancellationToken));
        }
        catch (SnapshotChangedException ex)
        {
            throw new CliException(ex.Message);
        }

        // As the job trained it: the same held-out rows; no minimum, since the run that made it met it.
        var trainer = new ModelTrainer(definition, new TrainingOptions { HoldoutDays = manifest.ValidationWindow.Days, MinTrainingDays = 0 });
        var files = trainer.Validate(downloaded);
        var holdout = Ui.WithProgress("Retraining without the held-out rows", 1, _ => trainer.TrainOnHoldoutSplit(files));
        var scores = Ui.WithProgress("Scoring the held-out rows", 1, _ => trainer.ScoreHoldout(holdout, files));
        var importance = Ui.WithProgress("Feature importance", 1, _ => trainer.ImportanceOnHoldout(holdout, files));

        var live = await new Monitoring.LiveStore(registry.Container).ReadRecentAsync(settings.Model, LiveDaysShown, cancellationToken);
        var report = new ModelReport(definition, manifest, history, champion, holdout.Metrics, scores, importance, live);
        var page = ReportPage.Write(report, output);
        Ui.Err.MarkupLineInterpolated($"[green]Wrote[/] {page}");
        Ui.WriteJson(new { model = settings.Model, version, report = page });
        return 0;
    }
}
