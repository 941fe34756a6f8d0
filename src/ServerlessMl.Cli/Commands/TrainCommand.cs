using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using ServerlessMl.Storage;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;
using ServerlessMl.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli.Commands;

/// <summary>
/// Without --data: the retrain job against blob storage, exactly as the timer runs it. With
/// --data: offline training into a model.zip with its manifest beside it.
/// </summary>
public sealed class TrainCommand : AsyncCommand<TrainCommand.Settings>
{
    public sealed class Settings : ModelStorageSettings
    {
        [CommandOption("-d|--data <PATH>")]
        [Description("Offline: a folder of daily files, or one file (split by day when the model's data has days).")]
        public string? Data { get; init; }

        [CommandOption("-o|--output <MODEL_ZIP>")]
        [Description("Offline: where to write model.zip (its manifest goes beside it as <name>.manifest.json).")]
        public string? Output { get; init; }

        [CommandOption("--holdout-days <N>")]
        [Description("Most recent days held out to validate on (default: the model's or Training__HoldoutDays, 14).")]
        public int? HoldoutDays { get; init; }

        [CommandOption("--holdout-fraction <F>")]
        [Description("Offline: hold out this fraction of the days instead (e.g. 0.2).")]
        public double? HoldoutFraction { get; init; }

        [CommandOption("--no-refit")]
        [Description("Offline: save the model trained without the held-out days.")]
        public bool NoRefit { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            base.Validate() is { Successful: false } invalid ? invalid
            : (Data is null) != (Output is null)
                ? Spectre.Console.ValidationResult.Error("--data and --output go together (offline training)")
            : Data is null && (HoldoutDays is not null || HoldoutFraction is not null || NoRefit)
                ? Spectre.Console.ValidationResult.Error("--holdout-days, --holdout-fraction and --no-refit are for offline training (--data and --output); the retrain job takes Training__HoldoutDays")
            : HoldoutDays is not null && HoldoutFraction is not null
                ? Spectre.Console.ValidationResult.Error("--holdout-days and --holdout-fraction both say how much to hold out; give one")
            : HoldoutDays is < 1
                ? Spectre.Console.ValidationResult.Error("--holdout-days must be at least 1")
            : HoldoutFraction is { } fraction && !(fraction > 0 && fraction < 1)
                ? Spectre.Console.ValidationResult.Error("--holdout-fraction must be between 0 and 1")
                : Spectre.Console.ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Data is not null)
        {
            return TrainOffline(settings);
        }

        using var services = CliServices.Build(settings);
        var job = services.GetRequiredService<RetrainJob>();
        var outcome = await Ui.WithStatusAsync($"Retraining {settings.Model}", () => job.RunAsync(settings.Model, "cli", cancellationToken));
        Ui.WriteJson(outcome);
        if (outcome.Status is RetrainStatus.Failed or RetrainStatus.Busy)
        {
            Ui.Err.MarkupLineInterpolated($"[red]{outcome.Status.ToString().ToLowerInvariant()}:[/] {outcome.Describe()}");
        }
        else
        {
            Ui.Err.WriteLine(Summary(outcome));
        }

        // A data error is the sender's to fix (2); a busy lease, a storage outage or a conflict may pass (1).
        return outcome switch
        {
            { Failure: RetrainFailure.Data } => CliErrors.Usage,
            { Status: RetrainStatus.Failed or RetrainStatus.Busy } => CliErrors.Failed,
            _ => 0,
        };
    }

    private static int TrainOffline(Settings settings)
    {
        var output = Arguments.OutputPath.Require("--output", settings.Output!, folder: false);
        var definition = CliModels.Catalog.Get(settings.Model);
        using var scratch = new ScratchFolder();
        var found = LocalDataFiles.Open(settings.Data!, scratch.Path, definition.Format);
        var options = new TrainingOptions { RefitOnAllData = !settings.NoRefit };
        options.HoldoutDays = settings.HoldoutFraction is { } fraction
            ? Math.Max(1, (int)Math.Round(found.Count * fraction))
            : settings.HoldoutDays ?? options.HoldoutDays;
        var trainer = new ModelTrainer(definition, options);

        var files = Ui.WithProgress($"Validating {found.Count} day(s)", found.Count, progress => trainer.Validate(found, progress));
        var holdout = Ui.WithProgress("Training with the newest days held out", 1, _ => trainer.TrainOnHoldoutSplit(files));
        var gate = QualityGate.Decide(holdout.Metrics, null, definition.DefaultGate, "offline: no champion to compare with");
        var model = options.RefitOnAllData
            ? Ui.WithProgress("Refitting on every day", 1, _ => trainer.Fit(files))
            : holdout.Model;

        using var zip = new MemoryStream();
        trainer.Save(model, zip, files);
        var manifest = ManifestFactory.Create(definition, "offline", holdout, null, gate, options.RefitOnAllData, files, zip);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        File.WriteAllBytes(output, zip.ToArray());
        File.WriteAllText(ManifestPath(output), System.Text.Json.JsonSerializer.Serialize(manifest, RegistryJson.Options));

        Ui.WriteJson(new
        {
            model = output,
            manifest = ManifestPath(output),
            holdout = holdout.Window,
            metrics = holdout.Metrics,
            gate,
            refitOnAllData = options.RefitOnAllData,
        });
        return 0;
    }

    /// <summary>One readable paragraph of an outcome for stderr: what happened, the metrics, the gate, and where the rest is.</summary>
    internal static string Summary(RetrainOutcome outcome)
    {
        var lines = new List<string> { $"{outcome.Model}: {outcome.Status.ToString().ToLowerInvariant()}" + (outcome.Version is null ? string.Empty : $", version {outcome.Version}") + $"; champion {outcome.Champion ?? "none"}" };
        if (outcome.Metrics is { } metrics)
        {
            lines.Add("  held out: " + string.Join(", ", metrics.Values.Select(m => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{m.Key} {m.Value:G4}"))) + $" on {metrics.Rows:N0} rows");
        }

        lines.AddRange(outcome.Reasons.Select(r => "  " + r));
        if (outcome.Version is not null)
        {
            lines.Add($"  the whole manifest: serverless-ml models show --model {outcome.Model} --version {outcome.Version}");
        }

        return string.Join(Environment.NewLine, lines);
    }

    internal static string ManifestPath(string modelZip) =>
        Path.Combine(Path.GetDirectoryName(modelZip)!, Path.GetFileNameWithoutExtension(modelZip) + ".manifest.json");
}
