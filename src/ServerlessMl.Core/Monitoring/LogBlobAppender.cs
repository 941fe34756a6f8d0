using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using ServerlessMl.Storage;

namespace ServerlessMl.Monitoring;

/// <summary>
/// Appends blocks of whole lines to this instance's hourly append blobs, each call under the
/// storage deadline. Each blob is created once per process; a blob whose block count is used up is
/// continued in the next part (<c>&lt;instance&gt;-2.jsonl</c>, …) of the same hour. Safe for
/// concurrent callers: the feedback route appends from many requests at once.
/// </summary>
/// <param name="maxBlocks">The block count after which a blob is continued in the next part.</param>
internal sealed class LogBlobAppender(BlobContainerClient container, StorageOptions storage, string instance, int maxBlocks = LogBlobAppender.MaxBlocks)
{
    /// <summary>The most one append can carry.</summary>
    public const int MaxBlockBytes = 4 * 1024 * 1024;

    /// <summary>The most blocks an append blob holds.</summary>
    public const int MaxBlocks = 50_000;

    // A long-running instance writes a new blob every hour; forgetting old ones costs one more create call.
    private const int Remembered = 10_000;

    private readonly ConcurrentDictionary<string, bool> _created = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _parts = new(StringComparer.Ordinal);
    private volatile bool _containerReady;

    public string Instance => instance;

    /// <summary>Appends <paramref name="block"/> to the blob of <paramref name="model"/>'s <paramref name="hour"/>.</summary>
    /// <remarks>Storage failures propagate (<see cref="StorageFailure"/>); the caller counts what was lost.</remarks>
    public async Task AppendAsync(string model, DateTimeOffset hour, MemoryStream block, CancellationToken cancellationToken)
    {
        var key = LogBlobNames.Hourly(model, hour, instance);
        var part = _parts.GetValueOrDefault(key, 1);
        var blob = container.GetAppendBlobClient(part == 1 ? key : LogBlobNames.Hourly(model, hour, $"{instance}-{part}"));
        try
        {
            await EnsureAsync(blob, cancellationToken);
            using var deadline = storage.Deadline(cancellationToken);
            block.Position = 0;
            var appended = await blob.AppendBlockAsync(block, cancellationToken: deadline.Token);
            if (appended.Value.BlobCommittedBlockCount >= maxBlocks)
            {
                MoveOn(key, part);
            }
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.BlockCountExceedsLimit)
        {
            MoveOn(key, part);
            await AppendAsync(model, hour, block, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Deleted under us: create it again on the next append.
            _created.TryRemove(blob.Name, out _);
            _containerReady = false;
            throw;
        }
    }

    // Callers that filled the same part at once move on to one next part, not one each.
    private void MoveOn(string key, int part) => _parts.AddOrUpdate(key, part + 1, (_, current) => Math.Max(current, part + 1));

    private async Task EnsureAsync(AppendBlobClient blob, CancellationToken cancellationToken)
    {
        if (_created.ContainsKey(blob.Name))
        {
            return;
        }

        if (!_containerReady)
        {
            using var deadline = storage.Deadline(cancellationToken);
            await container.CreateIfNotExistsAsync(cancellationToken: deadline.Token);
            _containerReady = true;
        }

        using (var deadline = storage.Deadline(cancellationToken))
        {
            await blob.CreateIfNotExistsAsync(new AppendBlobCreateOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/x-ndjson" } }, deadline.Token);
        }

        if (_created.Count >= Remembered)
        {
            _created.Clear();
            _parts.Clear();
        }

        _created.TryAdd(blob.Name, true);
    }
}
