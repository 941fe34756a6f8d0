using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServerlessMl.Cli.Commands;
using ServerlessMl.Scoring;
using ServerlessMl.Storage;
using Spectre.Console;

namespace ServerlessMl.Cli.Score;

/// <summary>`data upload --scoring`: one local file stored as a scoring drop, under the name the precompute job lists.</summary>
internal static partial class ScoringDropUpload
{
    /// <summary>Why the model or the name cannot make a scoring drop, or null.</summary>
    public static string? Problem(string model, string? name) =>
        ScoreCommand.NotPrecomputed(CliModels.Catalog, model) is { } notPrecomputed ? notPrecomputed
        : name is not null && !NamePattern().IsMatch(name) ? $"--name '{name}' must be 1 to 100 letters, digits, '.', '_' or '-'"
        : null;

    public static async Task<int> RunAsync(DataUploadCommand.Settings settings, DateOnly day, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var source = Path.GetFullPath(settings.Source);
        if (!File.Exists(source))
        {
            throw new CliException(Directory.Exists(source)
                ? $"--source {source} is a folder; --scoring uploads one file as one drop"
                : $"--source {source} does not exist");
        }

        var extension = BatchScorerFactory.For(CliModels.Catalog.Get(settings.Model))!.Format.Extension;
        var blobName = DailyBlobName.For(settings.Model, day, extension, settings.Name);
        using var services = CliServices.Build(settings);
        var container = services.GetRequiredService<BlobServiceClient>()
            .GetBlobContainerClient(services.GetRequiredService<IOptions<ScoringOptions>>().Value.InputContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        try
        {
            await container.GetBlobClient(blobName).UploadAsync(source, overwrite: settings.Overwrite, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            throw new CliException($"{container.Name}/{blobName} is already there; give another --day or --name, or --overwrite to replace it (the scoring job then scores it again)");
        }

        Ui.Err.MarkupLineInterpolated($"[green]Uploaded a scoring drop[/] of {settings.Model}: {source} to {container.Name}/{blobName}.");
        Ui.Err.WriteLine($"Score it with: serverless-ml score --model {settings.Model} --run (or let the ScoreBatches timer).");
        return 0;
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
