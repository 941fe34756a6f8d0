using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using ServerlessMl.Registry;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli.Commands;

public sealed class ModelsListCommand : AsyncCommand<StorageSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, StorageSettings settings, CancellationToken cancellationToken)
    {
        using var services = CliServices.Build(settings);
        var registry = services.GetRequiredService<ModelRegistry>();
        var champion = (await registry.GetChampionAsync(settings.Model, cancellationToken))?.Alias;
        var versions = await registry.ListVersionsAsync(settings.Model, cancellationToken);

        var table = new Table().AddColumns("version", "created (UTC)", "gate", "R²", "RMSE", "MAE", "days", "champion");
        foreach (var v in versions)
        {
            table.AddRow(
                v.Version,
                v.CreatedUtc.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                v.Gate.Passed ? "passed" : "[red]rejected[/]",
                v.Metrics.RSquared.ToString("F4", System.Globalization.CultureInfo.InvariantCulture),
                v.Metrics.Rmse.ToString("F2", System.Globalization.CultureInfo.InvariantCulture),
                v.Metrics.Mae.ToString("F2", System.Globalization.CultureInfo.InvariantCulture),
                v.Data.Blobs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                v.Version == champion?.Version ? "[green]*[/]" : string.Empty);
        }

        Ui.Err.Write(table);
        Ui.WriteJson(new { model = settings.Model, champion = champion?.Version, versions = versions.Select(v => v.Version) });
        return 0;
    }
}

public sealed class ModelsShowCommand : AsyncCommand<ModelsShowCommand.Settings>
{
    public sealed class Settings : StorageSettings
    {
        [CommandOption("--version <VERSION>")]
        [Description("Version to show (default: the champion).")]
        public string? Version { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var services = CliServices.Build(settings);
        var registry = services.GetRequiredService<ModelRegistry>();
        var version = settings.Version
            ?? (await registry.GetChampionAsync(settings.Model, cancellationToken))?.Alias.Version
            ?? throw new CliException($"{settings.Model} has no champion yet; run `serverless-ml train` first.");
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

    internal static CliException UnreadableManifest(string model, string version, System.Text.Json.JsonException ex) =>
        new($"The manifest of {model} version {version} ({ModelRegistry.ManifestBlobName(model, version)}) is not valid JSON: {ex.Message}");
}

public sealed class ModelsPromoteCommand : AsyncCommand<ModelsPromoteCommand.Settings>
{
    public sealed class Settings : StorageSettings
    {
        [CommandOption("--version <VERSION>")]
        [Description("The version to make champion.")]
        public string Version { get; init; } = string.Empty;

        public override ValidationResult Validate() =>
            ModelRegistry.IsVersion(Version) ? ValidationResult.Success() : ValidationResult.Error("--version must be a version number such as 0003");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var services = CliServices.Build(settings);
        var registry = services.GetRequiredService<ModelRegistry>();
        try
        {
            var alias = await registry.PromoteAsync(settings.Model, settings.Version, "promoted with the CLI", null, cancellationToken);
            Ui.WriteJson(alias);
            return 0;
        }
        catch (VersionNotFoundException ex)
        {
            throw new CliException(ex.Message);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw ModelsShowCommand.UnreadableManifest(settings.Model, settings.Version, ex);
        }
    }
}
