using ServerlessMl.Cli.Arguments;
using ServerlessMl.Cli.Commands;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli;

/// <summary>The <c>serverless-ml</c> command tree.</summary>
public static class CliApp
{
    /// <summary>Checks the command line against the command's options, then runs it.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var app = Create(out var commands);
        CommandLineCheck.Check(args, commands);
        return app.RunAsync(args);
    }

    /// <param name="commands">Filled with each runnable command's path ("models list") and its settings type.</param>
    internal static CommandApp Create(out IReadOnlyDictionary<string, Type> commands)
    {
        var paths = new Dictionary<string, Type>(StringComparer.Ordinal);
        commands = paths;
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("serverless-ml");
            config.PropagateExceptions();
            config.UseStrictParsing();
            config.SetApplicationVersion(typeof(CliApp).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
            config.AddBranch("data", data =>
            {
                data.SetDescription("Make and upload daily training files and scoring drops.");
                Add<DataGenerateCommand>(data, paths, "data generate")
                    .WithDescription("Write synthetic bike-demand daily files (UCI hour.csv layout) into a local folder, or with --scoring one synthetic scoring drop.")
                    .WithExample("data", "generate", "--output", "data/synthetic", "--days", "120")
                    .WithExample("data", "generate", "--scoring", "--model", "bike-demand", "--from", "2011-05-02T00", "--hours", "48", "--output", "forecast.csv");
                Add<DataUploadCommand>(data, paths, "data upload")
                    .WithDescription("Upload a local folder of daily files, or one file (split by day when the model's data has days), as drops into the training container; with --scoring one file as a scoring drop.")
                    .WithExample("data", "upload", "--model", "bike-demand", "--source", "data/synthetic")
                    .WithExample("data", "upload", "--model", "sms-spam", "--source", "SMSSpamCollection", "--day", "2026-12-01")
                    .WithExample("data", "upload", "--scoring", "--model", "bike-demand", "--source", "forecast.csv", "--day", "2011-05-02");
            });
            Add<TrainCommand>(config, paths, "train")
                .WithDescription("Run the retrain job against blob storage, or with --data train offline into a model.zip.")
                .WithExample("train", "--model", "bike-demand")
                .WithExample("train", "--model", "bike-demand", "--data", "hour.csv", "--output", "m/model.zip", "--holdout-fraction", "0.2");
            Add<EvaluateCommand>(config, paths, "evaluate")
                .WithDescription("Score a model.zip on a data file or folder; prints one JSON object.")
                .WithExample("evaluate", "--model", "bike-demand", "--zip", "m/model.zip", "--data", "hour.csv");
            Add<BacktestCommand>(config, paths, "backtest")
                .WithDescription("Walk forward through local data: retrain at each origin on the days before it, score the next block; compare recipes and cadences.")
                .WithExample("backtest", "--model", "bike-demand", "--data", "hour.csv", "--every", "7d", "--every", "28d");
            Add<ScoreCommand>(config, paths, "score")
                .WithDescription("Score a precomputed model's scoring drops: local files offline (--input, with the champion or --zip) into CSV or JSON lines, or the precompute job against storage once (--run).")
                .WithExample("score", "--model", "bike-demand", "--input", "forecast.csv", "--output", "predictions.csv")
                .WithExample("score", "--model", "sms-spam", "--input", "drops", "--zip", "m/model.zip", "--output", "spam.jsonl")
                .WithExample("score", "--model", "bike-demand", "--run");
            config.AddBranch("models", models =>
            {
                models.SetDescription("Read and move the model registry.");
                Add<ModelsListCommand>(models, paths, "models list").WithDescription("List a model's versions.")
                    .WithExample("models", "list", "--model", "bike-demand");
                Add<ModelsShowCommand>(models, paths, "models show").WithDescription("Print a version's manifest (default: the champion).")
                    .WithExample("models", "show", "--model", "bike-demand", "--version", "0003");
                Add<ModelsPromoteCommand>(models, paths, "models promote").WithDescription("Make a version the champion (rollback).")
                    .WithExample("models", "promote", "--model", "bike-demand", "--version", "0002");
                Add<ModelsReportCommand>(models, paths, "models report").WithDescription("Write an HTML report of a version: gate, metrics against the other versions, data, plots.")
                    .WithExample("models", "report", "--model", "bike-demand", "--output", "report");
                Add<ModelsLiveCommand>(models, paths, "models live").WithDescription("Run the live quality job for a model now: per day, live metrics per version against the gate's floor, champion against challenger, drift against the training data.")
                    .WithExample("models", "live", "--model", "bike-demand")
                    .WithExample("models", "live", "--model", "sms-spam", "--days", "3", "--json");
            });
            Add<ServeCommand>(config, paths, Serve.ServeArguments.Command)
                .WithDescription("Serve the HTTP API (the Functions app's routes) on Kestrel, for machines without Core Tools.")
                .WithExample("serve", "--port", "7071")
                .WithExample("serve", "--host", "0.0.0.0", "--api-key", "<key>", "--admin-key", "<admin key>");
        });
        return app;
    }

    private static ICommandConfigurator Add<TCommand>(IConfigurator config, Dictionary<string, Type> paths, string path)
        where TCommand : class, ICommand
    {
        paths.Add(path, SettingsOf(typeof(TCommand)));
        return config.AddCommand<TCommand>(path.Split(' ')[^1]);
    }

    private static ICommandConfigurator Add<TCommand>(IConfigurator<CommandSettings> branch, Dictionary<string, Type> paths, string path)
        where TCommand : class, ICommandLimiter<CommandSettings>
    {
        paths.Add(path, SettingsOf(typeof(TCommand)));
        return branch.AddCommand<TCommand>(path.Split(' ')[^1]);
    }

    private static Type SettingsOf(Type command) =>
        command.GetInterfaces().Single(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICommand<>)).GetGenericArguments()[0];
}
