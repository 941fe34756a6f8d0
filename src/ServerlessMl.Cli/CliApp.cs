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
                data.AddCommand<DataGenerateCommand>("generate")
                    .WithDescription("Write synthetic bike-demand daily files (UCI hour.csv layout) into a local folder.")
                    .WithExample("data", "generate", "--output", "data/synthetic", "--days", "120");
                data.AddCommand<DataUploadCommand>("upload")
                    .WithDescription("Upload a local folder of daily files, or one file (split by day when the model's data has days), as drops into the training container.")
                    .WithExample("data", "upload", "--model", "bike-demand", "--source", "data/synthetic")
                    .WithExample("data", "upload", "--model", "sms-spam", "--source", "SMSSpamCollection", "--day", "2026-12-01");
            });
            config.AddCommand<TrainCommand>("train")
                .WithDescription("Run the retrain job against blob storage, or with --data train offline into a model.zip.")
                .WithExample("train", "--model", "bike-demand")
                .WithExample("train", "--model", "bike-demand", "--data", "hour.csv", "--output", "m/model.zip", "--holdout-fraction", "0.2");
            config.AddCommand<EvaluateCommand>("evaluate")
                .WithDescription("Score a model.zip on a data file or folder; prints one JSON object.")
                .WithExample("evaluate", "--model", "bike-demand", "--zip", "m/model.zip", "--data", "hour.csv");
            config.AddCommand<BacktestCommand>("backtest")
                .WithDescription("Walk forward through local data: retrain at each origin on the days before it, score the next block; compare recipes and cadences.")
                .WithExample("backtest", "--model", "bike-demand", "--data", "hour.csv", "--every", "7d", "--every", "28d");
            config.AddBranch("models", models =>
            {
                models.SetDescription("Read and move the model registry.");
                models.AddCommand<ModelsListCommand>("list").WithDescription("List a model's versions.")
                    .WithExample("models", "list", "--model", "bike-demand");
                models.AddCommand<ModelsShowCommand>("show").WithDescription("Print a version's manifest (default: the champion).")
                    .WithExample("models", "show", "--model", "bike-demand", "--version", "0003");
                models.AddCommand<ModelsPromoteCommand>("promote").WithDescription("Make a version the champion (rollback).")
                    .WithExample("models", "promote", "--model", "bike-demand", "--version", "0002");
                models.AddCommand<ModelsReportCommand>("report").WithDescription("Write an HTML report of a version: gate, metrics against the other versions, data, plots.")
                    .WithExample("models", "report", "--model", "bike-demand", "--output", "report");
            });
            config.AddCommand<ServeCommand>(Serve.ServeArguments.Command)
                .WithDescription("Serve the HTTP API (the Functions app's routes) on Kestrel, for machines without Core Tools.")
                .WithExample("serve", "--port", "7071")
                .WithExample("serve", "--host", "0.0.0.0", "--api-key", "<key>", "--admin-key", "<admin key>");
        });
        return app;
    }
}
