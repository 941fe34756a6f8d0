using System.ComponentModel;
using ServerlessMl.Storage;
using ServerlessMl.Training;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli.Commands;

/// <summary>Scores a model.zip on local data and prints the task's metrics as one JSON object.</summary>
public sealed class EvaluateCommand : Command<EvaluateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--model <NAME>")]
        [Description("The model's name; needed when several are registered (a wrong one is answered with the registered names).")]
        public string? ModelName { get; init; }

        [CommandOption("-z|--zip <MODEL_ZIP>")]
        [Description("The model.zip to score.")]
        public string ZipPath { get; init; } = string.Empty;

        [CommandOption("-d|--data <PATH>")]
        [Description("A folder of daily files, or one file (split by day when the model's data has days).")]
        public string Data { get; init; } = string.Empty;

        public override Spectre.Console.ValidationResult Validate() =>
            CliModels.Validate(ModelName) is { Successful: false } invalid ? invalid
            : string.IsNullOrEmpty(ZipPath) || string.IsNullOrEmpty(Data)
                ? Spectre.Console.ValidationResult.Error("--zip and --data are required")
                : Spectre.Console.ValidationResult.Success();
    }

    private static Microsoft.ML.ITransformer LoadZip(Definitions.IModelDefinition definition, ModelTrainer trainer, string path, IReadOnlyList<DataFile> files)
    {
        // A manifest beside the zip names its model outright.
        Score.LocalModelZip.ManifestBeside(definition, path);
        Microsoft.ML.ITransformer model;
        Microsoft.ML.DataViewSchema input;
        using (var stream = File.OpenRead(path))
        {
            try
            {
                model = trainer.Load(stream, out input);
            }
            catch (Exception ex) when (Registry.ModelLoader.IsUnloadable(ex))
            {
                throw new CliException($"{path} is not a model.zip ML.NET can load ({ex.Message}); pass the model.zip, not its manifest.");
            }
        }

        var differences = trainer.InputDifferences(input, files);
        return differences.Count == 0 ? model
            : throw new CliException($"{path} is not a {definition.Name} model: its input differs from {definition.Name}'s rows in {string.Join(", ", differences.Take(5))}{(differences.Count > 5 ? $" and {differences.Count - 5} more" : string.Empty)}; pass a {definition.Name} model.zip, or the --model it was trained for.");
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var definition = CliModels.Catalog.Get(CliModels.Resolve(settings.ModelName));
        using var scratch = new ScratchFolder();
        var trainer = new ModelTrainer(definition, new TrainingOptions { MinTrainingDays = 0, HoldoutDays = 0 });
        var files = trainer.Validate(LocalDataFiles.Open(settings.Data, scratch.Path, definition.Format));
        Ui.WriteJson(trainer.Evaluate(LoadZip(definition, trainer, settings.ZipPath, files), files));
        return 0;
    }
}
