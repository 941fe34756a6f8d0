using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessMl.Definitions;
using ServerlessMl.Storage;

namespace ServerlessMl.Training;

/// <summary>The daily CSV drops in the <c>training-data</c> container.</summary>
internal sealed partial class TrainingDataSource
{
    private readonly BlobContainerClient _container;
    private readonly ILogger<TrainingDataSource> _logger;
    private readonly long _maxFileBytes;
    private readonly ModelCatalog _catalog;

    public TrainingDataSource(BlobServiceClient service, StorageOptions storage, ModelCatalog catalog, IOptions<TrainingOptions> options, ILogger<TrainingDataSource> logger)
    {
        _catalog = catalog;
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(options);
        _container = service.GetBlobContainerClient(storage.TrainingContainer);
        _logger = logger;
        _maxFileBytes = options.Value.MaxFileBytes;
    }

    internal BlobContainerClient Container => _container;

    /// <summary>
    /// The drops of <paramref name="model"/> as they are now (names and ETags), oldest first. A blob
    /// with the model's extension whose name is not a valid day fails the run; others are ignored.
    /// </summary>
    internal async Task<IReadOnlyList<DataListing>> ListAsync(string model, CancellationToken cancellationToken)
    {
        var extension = _catalog.Get(model).Format.Extension;
        var files = new List<DataListing>();
        try
        {
            await foreach (var blob in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, model + "/", cancellationToken))
            {
                var day = DailyBlobName.TryParse(model, blob.Name, extension);
                if (day is not null)
                {
                    files.Add(new DataListing(blob.Name, blob.Properties.ETag?.ToString() ?? string.Empty, day.Value, blob.Properties.ContentLength ?? 0));
                }
                else if (blob.Name.EndsWith("." + extension, StringComparison.OrdinalIgnoreCase))
                {
                    throw new DataValidationException(blob.Name, null, $"the name is not a daily file; expected {model}/YYYY/MM/DD.{extension}");
                }
                else
                {
                    LogIgnored(blob.Name);
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No container yet: no data.
        }

        return [.. files.OrderBy(f => f.Day)];
    }

    /// <summary>
    /// Downloads each file exactly as listed (If-Match its ETag), so a run trains on one consistent
    /// snapshot even while new drops arrive. Every size is checked against
    /// <see cref="TrainingOptions.MaxFileBytes"/> before anything is downloaded.
    /// </summary>
    internal async Task<IReadOnlyList<DataFile>> DownloadAsync(
        IReadOnlyList<DataListing> files, string folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.FirstOrDefault(f => f.SizeBytes > _maxFileBytes) is { } tooLarge)
        {
            throw new DataValidationException(
                tooLarge.Name,
                null,
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the file is {tooLarge.SizeBytes:N0} bytes; the limit is {_maxFileBytes:N0} (setting Training__MaxFileBytes)"));
        }

        Directory.CreateDirectory(folder);
        var result = new List<DataFile>(files.Count);
        foreach (var (name, etag, day, _) in files)
        {
            var localPath = Path.Combine(folder, $"{day:yyyy-MM-dd}{Path.GetExtension(name)}");
            try
            {
                await _container.GetBlobClient(name).DownloadToAsync(
                    localPath,
                    new BlobDownloadToOptions { Conditions = new BlobRequestConditions { IfMatch = new ETag(etag) } },
                    cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
                throw new DataChangedException(name, $"{name} changed or vanished while this run was reading it; run again to train on the new data.", ex);
            }

            result.Add(new DataFile(name, etag, day, localPath) { Sha256 = await HashFileAsync(localPath, cancellationToken) });
        }

        return result;
    }

    /// <summary>
    /// Downloads the drops a version was trained on, exactly as they were (same ETags), e.g. to
    /// rebuild its held-out scores for a report.
    /// </summary>
    /// <exception cref="SnapshotChangedException">A drop changed or was deleted since.</exception>
    public async Task<IReadOnlyList<DataFile>> DownloadSnapshotAsync(Registry.DataSnapshot snapshot, string folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        try
        {
            return await DownloadAsync([.. snapshot.Blobs.Select(b => new DataListing(b.Name, b.ETag, b.Day, 0))], folder, cancellationToken);
        }
        catch (DataChangedException ex)
        {
            var what = ex.InnerException is RequestFailedException { Status: 404 } ? "was deleted" : "changed";
            throw new SnapshotChangedException($"The drop {ex.BlobName} {what} since this version was trained; the version's own numbers are in its manifest (models show).", ex);
        }
    }

    internal static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "Ignoring {BlobName}: not a data drop")]
    private partial void LogIgnored(string blobName);
}

/// <summary>One daily file as listed: name, ETag, day and size.</summary>
internal sealed record DataListing(string Name, string ETag, DateOnly Day, long SizeBytes);

/// <summary>The drops a version was trained on are no longer as they were.</summary>
internal sealed class SnapshotChangedException(string message, Exception inner) : Exception(message, inner);

/// <summary>The training data changed under a running job; nothing was published.</summary>
internal sealed class DataChangedException(string blobName, string message, Exception inner) : Exception(message, inner)
{
    public string BlobName { get; } = blobName;
}
