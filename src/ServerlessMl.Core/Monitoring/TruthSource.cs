using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.ML;
using ServerlessMl.Definitions;
using ServerlessMl.Storage;

namespace ServerlessMl.Monitoring;

/// <summary>
/// The truth that arrives in a model's own data drops (<see cref="ILiveTruth{TRow, TRequest}"/>):
/// the training drops that arrived since a given time, read with the model's own reader, each kept
/// row's truth by its key. A drop the model's checks refuse is skipped and named; the rest count.
/// </summary>
internal sealed partial class TruthSource(BlobContainerClient training, ILogger logger)
{
    private readonly ILogger _logger = logger;

    /// <summary>Truth by key from the drops that arrived from <paramref name="since"/> on; a later drop's row wins.</summary>
    public async Task<Dictionary<string, double>> ReadAsync(IModelDefinition definition, DateTimeOffset since, DateOnly today, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var truths = new Dictionary<string, double>(StringComparer.Ordinal);
        var drops = await ListAsync(definition, since, cancellationToken);
        if (drops.Count == 0)
        {
            return truths;
        }

        using var scratch = new ScratchFolder();
        Directory.CreateDirectory(scratch.Path);
        var ml = new MLContext(seed: 1);
        foreach (var (name, day) in drops)
        {
            var localPath = Path.Combine(scratch.Path, Guid.NewGuid().ToString("N") + "." + definition.Format.Extension);
            try
            {
                await training.GetBlobClient(name).DownloadToAsync(localPath, cancellationToken);
                definition.ValidateFile(ml, localPath, name, day, today);
                foreach (var (key, actual) in definition.Truths(ml, [localPath]))
                {
                    truths[key] = actual;
                }
            }
            catch (DataValidationException ex)
            {
                LogDropSkipped(definition.Name, name, ex.Message);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Deleted between the listing and the read: it holds no truth now.
            }
            finally
            {
                File.Delete(localPath);
            }
        }

        return truths;
    }

    private async Task<List<(string Name, DateOnly Day)>> ListAsync(IModelDefinition definition, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var drops = new List<(string Name, DateOnly Day, DateTimeOffset Arrived)>();
        try
        {
            await foreach (var blob in training.GetBlobsAsync(BlobTraits.None, BlobStates.None, definition.Name + "/", cancellationToken))
            {
                if (DailyBlobName.TryParse(definition.Name, blob.Name, definition.Format.Extension) is { } day
                    && blob.Properties.LastModified is { } arrived && arrived >= since)
                {
                    drops.Add((blob.Name, day, arrived));
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No container yet: no drops.
        }

        return [.. drops.OrderBy(d => d.Arrived).ThenBy(d => d.Name, StringComparer.Ordinal).Select(d => (d.Name, d.Day))];
    }

    [LoggerMessage(EventId = 860, Level = LogLevel.Warning, Message = "Live quality {Model}: the drop {Blob} is skipped as a source of truth: {Problem}")]
    private partial void LogDropSkipped(string model, string blob, string problem);
}
