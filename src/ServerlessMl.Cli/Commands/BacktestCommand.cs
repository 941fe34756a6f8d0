using System.ComponentModel;
using System.Globalization;
using ServerlessMl.Storage;
using ServerlessMl.Backtesting;
using ServerlessMl.Definitions;
using ServerlessMl.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli.Commands;

/// <summary>
/// Rolling-origin walk-forward backtest on local data: each recipe retrained at every origin on
/// all days before it and scored on the next block, for each cadence. One JSON object on stdout,
/// a table on stderr.
/// </summary>
public sealed class BacktestCommand : Command<BacktestCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--model <NAME>")]
        [Description("The model's name; needed when several are registered. Its data must have days.")]
        public string? ModelName { get; init; }

        [CommandOption("-d|--data <PATH>")]
        [Description("A folder of daily files, or one file split by day (e.g. hour.csv).")]
        public string Data { get; init; } = string.Empty;

        [CommandOption("--every <CADENCE>")]
        [Description("How often to retrain, e.g. 1d, 7d, 28d; give it several times to compare cadences (default 7d).")]
        public string[] Every { get; init; } = [];

        [CommandOption("--from <DATE>")]
        [Description("The first origin, yyyy-MM-dd (default: six months after the first day).")]
        public string? From { get; init; }

        [CommandOption("--plot <PNG>")]
        [Description("Also draw RMSE by block for every recipe and cadence into this PNG, and the first recipe's worst blocks into <name>-worst.png beside it.")]
        public string? Plot { get; init; }

        [CommandOption("--recipe <NAME>")]
        [Description("Recipes to run, several allowed (default: the model's own, then its references; candidates only by name).")]
        public string[] Recipes { get; init; } = [];

        public override ValidationResult Validate() =>
            CliModels.Validate(ModelName) is { Successful: false } invalid ? invalid
            : string.IsNullOrEmpty(Data) ? ValidationResult.Error("--data is required")
            : Every.FirstOrDefault(e => Days(e) is null) is { } bad ? ValidationResult.Error($"--every '{bad}' is not a cadence such as 1d, 7d or 28d")
            : From is not null && !DateOnly.TryParseExact(From, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? ValidationResult.Error($"--from '{From}' is not a date yyyy-MM-dd")
            : ValidationResult.Success();

        internal static int? Days(string cadence) =>
            cadence.EndsWith('d') && int.TryParse(cadence[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= 366 ? days : null;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var plot = settings.Plot is null ? null : Arguments.OutputPath.Require("--plot", settings.Plot, folder: false);
        var definition = CliModels.Catalog.Get(CliModels.Resolve(settings.ModelName));
        var recipes = Pick(definition, settings.Recipes);
        var every = settings.Every.Length == 0 ? [7] : settings.Every.Select(e => Settings.Days(e)!.Value).ToArray();
        var from = settings.From is null ? (DateOnly?)null : DateOnly.ParseExact(settings.From, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var scratch = new ScratchFolder();
        var trainer = new ModelTrainer(definition, new TrainingOptions { MinTrainingDays = 0, HoldoutDays = 0 });
        var files = trainer.Validate(LocalDataFiles.Open(settings.Data, scratch.Path, definition.Format));
        var fits = Backtester.Fits(files, every, from, recipes.Count);

        BacktestResult result;
        try
        {
            result = Ui.WithProgress($"{fits} fits ({recipes.Count} recipe(s), {every.Length} cadence(s)) on 2 cores", Math.Max(1, fits), progress =>
                Backtester.Run(definition, files, every, from, recipes, progress));
        }
        catch (InvalidOperationException ex)
        {
            throw new CliException(ex.Message);
        }

        Ui.Err.Write(Table(result));
        if (plot is not null)
        {
            var (errors, worst) = Report.BacktestPlots.Write(result, plot);
            Ui.Err.MarkupLineInterpolated($"[green]Wrote[/] {errors} and {worst}");
        }

        Ui.WriteJson(result);
        return 0;
    }

    private static List<IBacktestRecipe> Pick(IModelDefinition definition, string[] names)
    {
        if (names.Length == 0)
        {
            return [.. PipelineRecipe.Of(definition).Default];
        }

        var known = PipelineRecipe.Of(definition).Known.ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);
        return [.. names.Select(n => known.TryGetValue(n, out var recipe) ? recipe
            : throw new CliException($"{definition.Name} has no recipe '{n}'. Its recipes: {string.Join(", ", known.Keys)}."))];
    }

    private static Table Table(BacktestResult result)
    {
        var table = new Table().AddColumns("recipe", "every", "blocks", "pooled R²", "RMSE", "MAE", "worst 10 % RMSE", "worst block");
        foreach (var run in result.Runs)
        {
            var worst = run.Worst.FirstOrDefault();
            table.AddRow(
                run.Recipe,
                $"{run.EveryDays}d",
                run.Origins.ToString(CultureInfo.InvariantCulture),
                F(run.Pooled[MetricNames.RSquared], "F3"),
                F(run.Pooled[MetricNames.Rmse], "F1"),
                F(run.Pooled[MetricNames.Mae], "F1"),
                F(run.PooledWorstTenth[MetricNames.Rmse], "F1"),
                worst is null ? string.Empty : $"{worst.From:yyyy-MM-dd} ({F(worst.Metrics[MetricNames.Rmse], "F1")})");
        }

        return table;
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
