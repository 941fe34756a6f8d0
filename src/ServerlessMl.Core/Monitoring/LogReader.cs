using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace ServerlessMl.Monitoring;

/// <summary>
/// Reads one UTC day of a JSON-lines log (the prediction log or the feedback log): every hour's
/// blob of every instance. A line that is not a record is skipped and counted, so one torn write
/// never costs the day.
/// </summary>
internal static class LogReader
{
    public static async Task<LogDay<T>> ReadDayAsync<T>(BlobContainerClient container, string model, DateOnly day, Func<T, bool> isWhole, CancellationToken cancellationToken)
        where T : class
    {
        var records = new List<T>();
        long damaged = 0;
        try
        {
            await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, LogBlobNames.DayPrefix(model, day), cancellationToken))
            {
                if (!blob.Name.EndsWith(".jsonl", StringComparison.Ordinal))
                {
                    continue;
                }

                var content = await DownloadAsync(container.GetBlobClient(blob.Name), cancellationToken);
                damaged += Parse(content, isWhole, records);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No container yet: nothing was logged.
        }

        return new LogDay<T>(day, records, damaged);
    }

    private static async Task<string> DownloadAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            return (await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Removed between the listing and the read.
            return string.Empty;
        }
    }

    /// <summary>Adds each whole record of <paramref name="content"/> to <paramref name="records"/>; returns the damaged lines.</summary>
    internal static long Parse<T>(string content, Func<T, bool> isWhole, List<T> records)
        where T : class
    {
        long damaged = 0;
        using var reader = new StringReader(content);
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            T? record;
            try
            {
                record = JsonSerializer.Deserialize<T>(line, LogJson.Options);
            }
            catch (JsonException)
            {
                record = null;
            }

            if (record is not null && isWhole(record))
            {
                records.Add(record);
            }
            else
            {
                damaged++;
            }
        }

        return damaged;
    }
}

/// <summary>The whole records of one day of a log, and how many lines were not.</summary>
internal sealed record LogDay<T>(DateOnly Day, IReadOnlyList<T> Records, long Damaged);
