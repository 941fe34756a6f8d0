using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;

namespace ServerlessMl.Monitoring;

/// <summary>
/// Appends what the feedback route received to the feedback log, one append blob per model, UTC
/// hour and instance (<see cref="LogBlobNames.Hourly"/>). One request is one block, so its lines
/// are stored together or not at all.
/// </summary>
internal sealed class FeedbackLog(BlobContainerClient container, string instance)
{
    /// <summary>Appends <paramref name="records"/> to the blob of the hour of <paramref name="time"/>, creating the container and blob when missing.</summary>
    public async Task AppendAsync(string model, DateTimeOffset time, IReadOnlyList<FeedbackRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var blob = container.GetAppendBlobClient(LogBlobNames.Hourly(model, time, instance));
        var lines = Lines(records);
        try
        {
            await AppendAsync(blob, lines, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // The first line of the hour on this instance, or of the container: neither is made ahead of need.
            if (ex.ErrorCode == "ContainerNotFound")
            {
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            }

            await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await AppendAsync(blob, lines, cancellationToken);
        }
    }

    private static async Task AppendAsync(AppendBlobClient blob, byte[] lines, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(lines, writable: false);
        await blob.AppendBlockAsync(content, cancellationToken: cancellationToken);
    }

    private static byte[] Lines(IReadOnlyList<FeedbackRecord> records)
    {
        using var buffer = new MemoryStream();
        foreach (var record in records)
        {
            JsonSerializer.Serialize(buffer, record, LogJson.Options);
            buffer.WriteByte((byte)'\n');
        }

        return buffer.ToArray();
    }
}
