using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ServerlessMl.Registry;

namespace ServerlessMl.Monitoring;

/// <summary>
/// The live results under each model's registry folder (<c>models/&lt;model&gt;/live/YYYY-MM-DD.json</c>):
/// the live job writes a day, health, metrics, the CLI and the report read them.
/// </summary>
/// <param name="gauges">Told of each day written, so the live gauges show it without a read; none for a reader such as the report.</param>
internal sealed class LiveStore(BlobContainerClient models, LiveGauges? gauges = null)
{
    public async Task WriteAsync(string model, LiveDay day, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(day);
        var json = BinaryData.FromObjectAsJson(day, RegistryJson.Options);
        await models.GetBlobClient(LogBlobNames.LiveDay(model, day.Day)).UploadAsync(json, overwrite: true, cancellationToken);
        gauges?.Update(model, day);
    }

    /// <summary>One day's results; null when the job has not recorded that day.</summary>
    public async Task<LiveDay?> ReadAsync(string model, DateOnly day, CancellationToken cancellationToken)
    {
        try
        {
            var content = await models.GetBlobClient(LogBlobNames.LiveDay(model, day)).DownloadContentAsync(cancellationToken);
            return Parse(content.Value.Content);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>The newest <paramref name="days"/> recorded days, oldest first; a damaged file is left out.</summary>
    public async Task<IReadOnlyList<LiveDay>> ReadRecentAsync(string model, int days, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        try
        {
            await foreach (var blob in models.GetBlobsAsync(BlobTraits.None, BlobStates.None, LogBlobNames.LivePrefix(model), cancellationToken))
            {
                if (IsDayFile(model, blob.Name))
                {
                    names.Add(blob.Name);
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return [];
        }

        var recent = new List<LiveDay>();
        foreach (var name in names.Order(StringComparer.Ordinal).TakeLast(days))
        {
            try
            {
                var content = await models.GetBlobClient(name).DownloadContentAsync(cancellationToken);
                if (Parse(content.Value.Content) is { } day)
                {
                    recent.Add(day);
                }
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Deleted between the listing and the read.
            }
        }

        return recent;
    }

    private static bool IsDayFile(string model, string name) =>
        name.Length == LogBlobNames.LivePrefix(model).Length + "yyyy-MM-dd.json".Length
        && DateOnly.TryParseExact(name.AsSpan(LogBlobNames.LivePrefix(model).Length, 10), "yyyy-MM-dd", out _);

    private static LiveDay? Parse(BinaryData content)
    {
        try
        {
            return content.ToObjectFromJson<LiveDay>(RegistryJson.Options) is { } day && IsWhole(day) ? day : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // JSON that parses but lacks a part (a hand edit, a torn copy) is as damaged as text that does not:
    // health, the gauges and the report read every part.
    private static bool IsWhole(LiveDay day) =>
        day.Versions is not null && day.Feedback is not null
        && day.Versions.All(v => v is { Version: not null, Role: not null, Metrics: not null, PrimaryMetric: not null })
        && (day.Drift is null || (day.Drift.Features is not null && day.Drift.Features.All(f => f is { Feature: not null, Measure: not null })));
}
