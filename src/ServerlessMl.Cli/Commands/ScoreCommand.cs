using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using ServerlessMl.Cli.Score;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;
using ServerlessMl.Scoring;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli.Commands;

/// <summary>
/// With --input: scores local files offline, with the champion from storage or a given model.zip,
/// row for row as the precompute job stores them. With --run: the precompute job against storage,
/// once, exactly as its timer runs it.
/// </summary>
public sealed class ScoreCommand : AsyncCommand<ScoreCommand.Settings>
{
    public sealed class Settings : ModelStorageSettings
    {
        [CommandOption("-i|--input <FILE_OR_FOLDER>")]
        [Description("Score offline: a scoring drop, or a folder: every file with the model's scoring extension in it and under it, in path order.")]
        public string? Input { get; init; }

        [CommandOption("-z|--zip <MODEL_ZIP>")]
        [Description("Offline: score with this model.zip instead of the champion in storage (no storage needed). Its version: the manifest's beside it (<name>.manifest.json or manifest.json), else the file's name.")]
        public string? Zip { get; init; }

        [CommandOption("-o|--output <FILE>")]
        [Description("Offline: write the scored rows to FILE.csv (CSV with a header) or FILE.jsonl (one JSON object a line). Default: CSV on stdout.")]
        public string? Output { get; init; }

        [CommandOption("--day <DATE>")]
        [Description("Offline: the day (yyyy-MM-dd) of a file whose name gives none. A name gives it as yyyy-MM-dd[[-name]].<ext>, or dd[[-name]].<ext> under yyyy/MM folders; without either, today (UTC). Rows with their own day (bike's hours) keep it.")]
        public string? Day { get; init; }

        [CommandOption("--run")]
        [Description("Run the precompute job once against storage: score the model's drops in the scoring container into the predictions table; prints the run's record.")]
        public bool Run { get; init; }

        public override ValidationResult Validate() =>
            base.Validate() is { Successful: false } invalid ? invalid
            : Input is null && !Run ? ValidationResult.Error("give --input FILE|FOLDER to score files here, or --run to run the scoring job against storage")
            : Input is not null && Run ? ValidationResult.Error("--input and --run are two ways to score; give one")
            : Run && (Zip is not null || Output is not null || Day is not null) ? ValidationResult.Error("--zip, --output and --day are for scoring files (--input); --run scores the drops in storage with the champion")
            : Output is not null && !(Output.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || ScoreFiles.IsJsonLines(Output)) ? ValidationResult.Error($"--output '{Output}' must end in .csv or .jsonl")
            : Day is not null && !TryParseDay(Day, out _) ? ValidationResult.Error($"--day '{Day}' is not a date yyyy-MM-dd")
            : NotPrecomputed(CliModels.Catalog, Model) is { } problem ? ValidationResult.Error(problem)
            : ValidationResult.Success();
    }

    /// <summary>Why <paramref name="model"/> cannot be scored in bulk, naming the models that can; null when it can.</summary>
    internal static string? NotPrecomputed(ModelCatalog catalog, string model)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (BatchScorerFactory.For(catalog.Get(model)) is not null)
        {
            return null;
        }

        var precomputed = catalog.All.Where(d => BatchScorerFactory.For(d) is not null).Select(d => d.Name).ToList();
        return $"{model} is not precomputed (its definition does not implement IPrecomputed), so it has no scoring drops to score; "
            + (precomputed.Count > 0 ? $"the models that are: {string.Join(", ", precomputed)}" : "no registered model is");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Run)
        {
            return await RunJobAsync(settings, cancellationToken);
        }

        var definition = CliModels.Catalog.Get(settings.Model);
        var scorer = BatchScorerFactory.For(definition)!;
        var output = settings.Output is null ? null : Arguments.OutputPath.Require("--output", settings.Output, folder: false);
        var day = settings.Day is { } text && TryParseDay(text, out var given) ? given : DateOnly.FromDateTime(DateTime.UtcNow);
        var inputs = ScoreInputs.Find(settings.Input!, scorer.Format.Extension, day, output);
        if (inputs.Any(i => string.Equals(i.Path, output, StringComparison.Ordinal)))
        {
            throw new CliException($"--output {output} is the file to score; write the scores elsewhere");
        }

        var (model, version) = settings.Zip is { } zip
            ? LocalModelZip.Load(definition, zip)
            : await LoadChampionAsync(settings, definition, cancellationToken);
        return ScoreFiles.Run(scorer, model, version, inputs, output);
    }

    /// <summary>The champion, fetched and verified as an instance loads it (manifest, schema, sha256).</summary>
    private static async Task<(Microsoft.ML.ITransformer Model, string Version)> LoadChampionAsync(Settings settings, IModelDefinition definition, CancellationToken cancellationToken)
    {
        using var services = CliServices.Build(settings);
        var champion = await services.GetRequiredService<ModelRegistry>().GetChampionAsync(definition.Name, cancellationToken)
            ?? throw new CliException($"{definition.Name} has no champion to score with: train one (serverless-ml train --model {definition.Name}), or pass a model.zip with --zip.");
        try
        {
            var loaded = await services.GetRequiredService<ModelLoader>().LoadAsync(definition, champion.Alias.Version, cancellationToken);
            return (loaded.Transformer, champion.Alias.Version);
        }
        catch (ModelRefusedException ex)
        {
            throw new CliException($"{ex.Message} Promote a version that can (serverless-ml models promote), or pass a model.zip with --zip.");
        }
    }

    private static async Task<int> RunJobAsync(Settings settings, CancellationToken cancellationToken)
    {
        using var services = CliServices.Build(settings);
        var job = services.GetRequiredService<ScoringJob>();
        var run = await Ui.WithStatusAsync($"Scoring the drops of {settings.Model}", () => job.RunAsync(settings.Model, "cli", cancellationToken));
        Ui.WriteJson(run);
        Console.Error.WriteLine(Summary(run));
        switch (run.Status)
        {
            case ScoringStatus.Stopped:
                Console.Error.WriteLine($"note: the run stopped before every drop was scored; run it again (or let the timer) to go on from row {run.Drops.LastOrDefault()?.EndRow ?? 0} of {run.Drops.LastOrDefault()?.Blob ?? "the next drop"}.");
                return 0;
            case ScoringStatus.Busy or ScoringStatus.Failed:
                Console.Error.WriteLine($"error: scoring {run.Model} {run.Status.ToString().ToLowerInvariant()}: {string.Join(" ", run.Reasons)}");
                return CliErrors.Failed;
            default:
                return 0;
        }
    }

    /// <summary>One line of a run: how it ended, with which version, and what it scored.</summary>
    internal static string Summary(ScoringRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return string.Create(CultureInfo.InvariantCulture,
            $"{run.Model}: {run.Status.ToString().ToLowerInvariant()}, version {run.Version ?? "none"}; {run.RowsScored:N0} rows scored, {run.RowsRefused:N0} refused, from {run.Drops.Count} drop(s) in {run.DurationSeconds ?? 0:0.0} s");
    }

    private static bool TryParseDay(string text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
}
