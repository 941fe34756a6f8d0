using System.ComponentModel;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli.Commands;

/// <summary>Options shared by every command that talks to blob storage.</summary>
public class StorageSettings : CommandSettings
{
    [CommandOption("--connection <CONNECTION_STRING>")]
    [Description("Storage connection string. Default: the ModelStorage environment variable.")]
    public string? Connection { get; init; }

    [CommandOption("--blob-uri <URI>")]
    [Description("Blob endpoint for Microsoft Entra sign-in (az login), e.g. https://<account>.blob.core.windows.net.")]
    public string? BlobUri { get; init; }
}

/// <summary>Options of a command that works on one model's data or versions in blob storage.</summary>
public class ModelStorageSettings : StorageSettings
{
    [CommandOption("--model <NAME>")]
    [Description("The model's name; needed when several are registered (a wrong one is answered with the registered names).")]
    public string? ModelName { get; init; }

    /// <summary>The model named, or the only one registered (checked by <see cref="Validate"/>).</summary>
    public string Model => CliModels.Resolve(ModelName);

    public override Spectre.Console.ValidationResult Validate() => CliModels.Validate(ModelName);
}
