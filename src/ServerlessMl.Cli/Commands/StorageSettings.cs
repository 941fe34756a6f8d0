using System.ComponentModel;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli.Commands;

/// <summary>Options shared by every command that talks to blob storage.</summary>
public class StorageSettings : CommandSettings
{
    [CommandOption("--model <NAME>")]
    [Description("Model name (default: bike-demand).")]
    [DefaultValue(Models.BikeDemand.BikeDemandModel.ModelName)]
    public string Model { get; init; } = Models.BikeDemand.BikeDemandModel.ModelName;

    [CommandOption("--connection <CONNECTION_STRING>")]
    [Description("Storage connection string. Default: the ModelStorage environment variable.")]
    public string? Connection { get; init; }

    [CommandOption("--blob-uri <URI>")]
    [Description("Blob endpoint for Microsoft Entra sign-in (az login), e.g. https://<account>.blob.core.windows.net.")]
    public string? BlobUri { get; init; }

    public override Spectre.Console.ValidationResult Validate() =>
        CliModels.Catalog.TryGet(Model, out _)
            ? Spectre.Console.ValidationResult.Success()
            : Spectre.Console.ValidationResult.Error(CliModels.Catalog.Unknown(Model));
}
