using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using ServerlessMl.Registry;

namespace ServerlessMl.Scoring;

/// <summary>
/// The precompute job's blobs: scoring drops (read only) in the input container, and under each
/// model's registry folder its ledger, its run records and the lease that keeps runs of one model apart.
/// </summary>
internal sealed partial class ScoringStore(BlobContainerClient input, BlobContainerClient models, ILogger logger)
{
    private readonly ILogger _logger = logger;

    public static string LedgerBlobName(string model) => $"{model}/scoring/ledger.json";

    public static string RunBlobName(string model, string runId) => $"{model}/scoring/runs/{runId}.json";

    /// <summary>Takes the model's scoring lease, or returns null when another run holds it.</summary>
    public Task<RetrainLease?> TryAcquireLeaseAsync(string model, string holder, CancellationToken cancellationToken) =>
        RetrainLease.TryAcquireAsync(models.GetBlobClient($"{model}/scoring/run.lock"), holder, _logger, cancellationToken);

    /// <summary>Every scoring drop of the model, oldest day first; an absent container holds none.</summary>
    public async Task<IReadOnlyList<ScoringDrop>> ListDropsAsync(string model, string extension, CancellationToken cancellationToken)
    {
        var drops = new List<ScoringDrop>();
        try
        {
            await foreach (var blob in input.GetBlobsAsync(BlobTraits.None, BlobStates.None, model + "/", cancellationToken))
            {
                if (Storage.DailyBlobName.TryParse(model, blob.Name, extension, named: true) is { } day)
                {
                    drops.Add(new ScoringDrop(blob.Name, blob.Properties.ETag?.ToString() ?? "", day, blob.Properties.ContentLength ?? 0));
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return [];
        }

        return [.. drops.OrderBy(d => d.Day).ThenBy(d => d.Blob, StringComparer.Ordinal)];
    }

    /// <summary>Downloads a drop as it was listed; false when it changed or vanished since.</summary>
    public async Task<bool> TryDownloadAsync(ScoringDrop drop, string localPath, CancellationToken cancellationToken)
    {
        try
        {
            await input.GetBlobClient(drop.Blob).DownloadToAsync(
                localPath,
                new BlobDownloadToOptions { Conditions = new BlobRequestConditions { IfMatch = new ETag(drop.ETag) } },
                cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    public async Task<(ScoringLedger Ledger, ETag? ETag)> ReadLedgerAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            var content = (await models.GetBlobClient(LedgerBlobName(model)).DownloadContentAsync(cancellationToken)).Value;
            var ledger = JsonSerializer.Deserialize<ScoringLedger>(content.Content.ToMemory().Span, RegistryJson.Options);
            return (ledger ?? new ScoringLedger(), content.Details.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return (new ScoringLedger(), null);
        }
        catch (JsonException ex)
        {
            // A damaged ledger only costs a rescore (upserts replace): say so, and start a new one.
            LogDamagedLedger(model, ex.Message);
            return (new ScoringLedger(), null);
        }
    }

    /// <summary>Writes the ledger if nobody else has since <paramref name="etag"/> was read; returns the new ETag.</summary>
    public async Task<ETag> WriteLedgerAsync(string model, ScoringLedger ledger, ETag? etag, CancellationToken cancellationToken)
    {
        var conditions = etag is { } known ? new BlobRequestConditions { IfMatch = known } : null;
        var written = await models.GetBlobClient(LedgerBlobName(model)).UploadAsync(
            BinaryData.FromObjectAsJson(ledger, RegistryJson.Options),
            new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
            cancellationToken);
        return written.Value.ETag;
    }

    public Task WriteRunAsync(ScoringRun run, CancellationToken cancellationToken) =>
        models.GetBlobClient(RunBlobName(run.Model, run.Id)).UploadAsync(
            BinaryData.FromObjectAsJson(run, RegistryJson.Options),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
            cancellationToken);

    public static string NewRunId(DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"{now:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..8]}");

    [LoggerMessage(Level = LogLevel.Warning, Message = "The scoring ledger of {Model} could not be read ({Problem}); every drop due is scored again.")]
    private partial void LogDamagedLedger(string model, string problem);
}

/// <summary>One scoring drop as listed: its blob, its ETag, its day and its size.</summary>
internal sealed record ScoringDrop(string Blob, string ETag, DateOnly Day, long SizeBytes);
