using ServerlessMl.Cli.Commands;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli;

/// <summary>The <c>serverless-ml</c> command tree.</summary>
public static class CliApp
{
    public static CommandApp Create()
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("serverless-ml");
            config.PropagateExceptions();
            config.SetApplicationVersion(typeof(CliApp).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
            config.AddBranch("data", data =>
            {
                data.SetDescription("Make and upload daily training files.");
                data.AddCommand<DataGenerateCommand>("generate").WithDescription("Write synthetic daily files (UCI hour.csv layout).");
                data.AddCommand<DataUploadCommand>("upload").WithDescription("Upload a folder of daily files, or split a whole hour.csv by day and upload it.");
            });
            config.AddCommand<TrainCommand>("train")
                .WithDescription("Run the retrain job against blob storage, or with --data train offline into a model.zip.");
            config.AddCommand<EvaluateCommand>("evaluate")
                .WithDescription("Score a model.zip on a CSV file or folder; prints one JSON object.");
            config.AddBranch("models", models =>
            {
                models.SetDescription("Read and move the model registry.");
                models.AddCommand<ModelsListCommand>("list").WithDescription("List a model's versions.");
                models.AddCommand<ModelsShowCommand>("show").WithDescription("Print a version's manifest (default: the champion).");
                models.AddCommand<ModelsPromoteCommand>("promote").WithDescription("Make a version the champion (rollback).");
            });
            config.AddCommand<ServeCommand>("serve")
                .WithDescription("Serve the HTTP API (the Functions app's routes) on Kestrel, for machines without Core Tools.");
        });
        return app;
    }
}
