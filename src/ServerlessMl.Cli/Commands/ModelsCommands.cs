using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using ServerlessMl.Registry;
using ServerlessMl.Serving;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli.Commands;

public sealed class ModelsListCommand : AsyncCommand<ModelStorageSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ModelStorageSettings settings, CancellationToken cancellationToken)
    {
        using var services = CliServices.Build(settings);
        var registry = services.GetRequiredService<ModelRegistry>();
        var champion = (await registry.CheckChampionAsync(settings.Model, known: null, cancellationToken)).Alias;
        var versions = await registry.ListVersionsAsync(settings.Model, cancellationToken);

        // The two metrics the gate judges by fit a terminal; models show has every one.
        var gate = CliModels.Catalog.Get(settings.Model).DefaultGate;
        var metricNames = new[] { gate.FloorMetric, gate.ComparisonMetric }.Distinct(StringComparer.Ordinal).ToList();
        var table = new Table().AddColumns(["version", "created", "gate", .. metricNames, "rows", "files", "champion"]);
        foreach (var v in versions)
        {
            table.AddRow([
                v.Version,
                v.CreatedUtc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                v.Gate.Passed ? "passed" : "[red]rejected[/]",
                .. metricNames.Select(m => v.Metrics.Values.TryGetValue(m, out var value) ? value.ToString("F4", CultureInfo.InvariantCulture) : "-"),
                v.Metrics.Rows.ToString(CultureInfo.InvariantCulture),
                v.Data.Blobs.Count.ToString(CultureInfo.InvariantCulture),
                v.Version == champion?.Version ? "[green]*[/]" : string.Empty,
            ]);
        }

        Ui.Err.Write(table);
        Ui.WriteJson(new { model = settings.Model, champion = champion?.Version, versions = versions.Select(v => v.Version) });
        return 0;
    }
}

public sealed class ModelsShowCommand : AsyncCommand<ModelsShowCommand.Settings>
{
    public sealed class Settings : ModelStorageSettings
    {
        [CommandOption("--version <VERSION>")]
        [Description("Version to show (default: the champion).")]
        public string? Version { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var services = CliServices.Build(settings);
        var registry = services.GetRequiredService<ModelRegistry>();
        var version = settings.Version ?? await ChampionOrRemedyAsync(registry, settings.Model, cancellationToken);
        try
        {
            var manifest = await registry.GetManifestAsync(settings.Model, version, cancellationToken)
                ?? throw new CliException($"{settings.Model} has no version {version}.");
            Ui.WriteJson(manifest);
            return 0;
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw UnreadableManifest(settings.Model, version, ex);
        }
    }

    /// <summary>The champion's version, or an error that says what to do: promote a passing version if there is one, else train.</summary>
    private static async Task<string> ChampionOrRemedyAsync(ModelRegistry registry, string model, CancellationToken cancellationToken)
    {
        var check = await registry.CheckChampionAsync(model, known: null, cancellationToken);
        if (check.Alias is { } alias)
        {
            return alias.Version;
        }

        if (check.Result == ChampionCheckResult.Unreadable)
        {
            throw new CliException($"The champion alias of {model} ({ModelRegistry.ChampionBlobName(model)}) is damaged. Promote a version to rewrite it: serverless-ml models promote --model {model} --version <V> (list them with models list).");
        }

        var versions = await registry.ListVersionsAsync(model, cancellationToken);
        var passed = versions.LastOrDefault(v => v.Gate.Passed);
        throw new CliException(
            passed is not null ? $"{model} has no champion, but version {passed.Version} passed the gate: promote it with serverless-ml models promote --model {model} --version {passed.Version}, or pass --version to show another."
            : versions.Count > 0 ? $"{model} has no champion and no version that passed the gate ({versions.Count} rejected); pass --version to show one, or train again with better data."
            : $"{model} has no versions yet; upload data and run serverless-ml train.");
    }

    internal static CliException UnreadableManifest(string model, string version, System.Text.Json.JsonException ex) =>
        new($"The manifest of {model} version {version} ({ModelRegistry.ManifestBlobName(model, version)}) is not valid JSON: {ex.Message}");
}

public sealed class ModelsPromoteCommand : AsyncCommand<ModelsPromoteCommand.Settings>
{
    public sealed class Settings : ModelStorageSettings
    {
        [CommandOption("--version <VERSION>")]
        [Description("The version to make champion.")]
        public string Version { get; init; } = string.Empty;

        [CommandOption("--force")]
        [Description("Promote even if the version cannot serve (damaged, wrong schema); every instance will then answer 503 for it.")]
        public bool Force { get; init; }

        public override ValidationResult Validate() =>
            base.Validate() is { Successful: false } invalid ? invalid
            : ModelRegistry.IsVersion(Version) ? ValidationResult.Success()
            : ValidationResult.Error("--version must be a version number such as 0003");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var services = CliServices.Build(settings);
        var promoter = services.GetRequiredService<ChampionPromoter>();
        try
        {
            var promotion = await promoter.PromoteAsync(settings.Model, settings.Version, settings.Force, "promoted with the CLI", cancellationToken);
            if (promotion.ForcedPast is { } reason)
            {
                Ui.Err.MarkupLineInterpolated($"[yellow]warning:[/] forced: version {settings.Version} cannot serve ({reason}); instances answer 503 for {settings.Model} until a good version is promoted.");
            }

            Ui.WriteJson(new { promotion.Model, champion = promotion.Version, promotion.PromotedUtc, forced = promotion.ForcedPast is not null, cannotServe = promotion.ForcedPast });
            return 0;
        }
        catch (VersionNotFoundException ex)
        {
            throw new CliException(ex.Message);
        }
        catch (ModelRefusedException ex)
        {
            throw new CliException($"{ex.Message} The champion is unchanged; pass --force to promote it anyway.");
        }
    }
}
