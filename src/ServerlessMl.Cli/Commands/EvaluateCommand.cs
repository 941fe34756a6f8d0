using System.ComponentModel;
using ServerlessMl.Training;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli.Commands;

/// <summary>Scores a model.zip on local data and prints the task's metrics as one JSON object.</summary>
public sealed class EvaluateCommand : Command<EvaluateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--model <NAME>")]
        [Description("The model's name (bike-demand, sms-spam); needed when several are registered.")]
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

    private static Microsoft.ML.ITransformer LoadZip(ModelTrainer trainer, string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return trainer.Load(stream);
        }
        catch (Exception ex) when (Serving.ModelLoader.IsUnloadable(ex))
        {
            throw new CliException($"{path} is not a model.zip ML.NET can load ({ex.Message}); pass the model.zip, not its manifest.");
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var definition = CliModels.Catalog.Get(CliModels.Resolve(settings.ModelName));
        using var scratch = new ScratchFolder();
        var trainer = new ModelTrainer(definition, new TrainingOptions { MinTrainingDays = 0, HoldoutDays = 0 });
        var files = trainer.Validate(LocalDataFiles.Open(settings.Data, scratch.Path, definition.Format));
        Ui.WriteJson(trainer.Evaluate(LoadZip(trainer, settings.ZipPath), files));
        return 0;
    }
}
