using System.ComponentModel;
using ServerlessMl.Models;
using ServerlessMl.Training;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli.Commands;

public sealed class EvaluateCommand : Command<EvaluateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-m|--model <MODEL_ZIP>")]
        [Description("The model.zip to score.")]
        public string ModelPath { get; init; } = string.Empty;

        [CommandOption("-d|--data <PATH>")]
        [Description("A CSV file (split by day) or a folder of daily files.")]
        public string Data { get; init; } = string.Empty;

        [CommandOption("--name <NAME>")]
        [Description("Model definition (default: bike-demand).")]
        public string Name { get; init; } = Models.BikeDemand.BikeDemandModel.ModelName;

        public override Spectre.Console.ValidationResult Validate() =>
            string.IsNullOrEmpty(ModelPath) || string.IsNullOrEmpty(Data)
                ? Spectre.Console.ValidationResult.Error("--model and --data are required")
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
        var definition = CliModels.Catalog.Get(settings.Name);
        using var scratch = new ScratchFolder();
        var trainer = new ModelTrainer(definition, new TrainingOptions { MinTrainingDays = 0, HoldoutDays = 0 });
        var files = trainer.Validate(LocalDataFiles.Open(settings.Data, scratch.Path));
        var metrics = trainer.Evaluate(LoadZip(trainer, settings.ModelPath), files);
        Ui.WriteJson(metrics);
        return 0;
    }
}
