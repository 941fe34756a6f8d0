using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessMl.Definitions;
using ServerlessMl.Storage;

namespace ServerlessMl.Monitoring;

/// <summary>
/// Health's view of live quality: a model is degraded when each of its newest
/// <c>DegradedAfterDays</c> recorded days, consecutive and ending at the newest, shows input drift
/// or a champion under the gate's floor; one clean newer day clears it. The live results are read
/// at most every <see cref="ReadEvery"/> per model, since health is polled far more often than the
/// live job writes. The reasons are stable words: the figures are in the live results, not for
/// anonymous eyes.
/// </summary>
internal sealed partial class LiveHealth(
    LiveStore store, LiveGauges gauges, IOptions<MonitoringOptions> options, IOptions<ModelSettingsMap> models, TimeProvider time, ILogger<LiveHealth> logger)
{
    /// <summary>How long one read of a model's live results is trusted.</summary>
    public static readonly TimeSpan ReadEvery = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Judged> _judged = new(StringComparer.Ordinal);

    /// <summary>Why the model's live results make it degraded, or null; read again when the last read is older than <see cref="ReadEvery"/>.</summary>
    /// <remarks>A failed read keeps what the last one found: an outage of the live results alone never changes health.</remarks>
    public async Task<string?> ReasonAsync(string model, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var known = _judged.GetValueOrDefault(model);
        if (known is not null && now - known.ReadUtc < ReadEvery)
        {
            return known.Reason;
        }

        var after = options.Value.For(models.Value, model).DegradedAfterDays;
        string? reason;
        try
        {
            var days = await store.ReadRecentAsync(model, after, cancellationToken);
            if (days.Count > 0)
            {
                gauges.Update(model, days[^1]);
            }

            reason = Judge(days, after);
        }
        catch (Exception ex) when (StorageFailure.Is(ex))
        {
            LogReadFailed(model, StorageFailure.Reason(ex));
            reason = known?.Reason;
        }

        // A failed read is stamped too, so an outage does not cost every health call another wait.
        _judged[model] = new Judged(now, reason);
        return reason;
    }

    /// <summary>What the last read found, without reading: for when storage is already known to be failing.</summary>
    public string? Known(string model) => _judged.GetValueOrDefault(model)?.Reason;

    /// <summary>The reason the newest <paramref name="after"/> days (oldest first) give, or null when they do not all show the same fault.</summary>
    internal static string? Judge(IReadOnlyList<LiveDay> days, int after)
    {
        if (after < 1 || days.Count < after)
        {
            return null;
        }

        var recent = days.Skip(days.Count - after).ToList();
        for (var i = 1; i < recent.Count; i++)
        {
            // A gap means the live job did not record a day: the run of faults is broken, not proven.
            if (recent[i].Day != recent[i - 1].Day.AddDays(1))
            {
                return null;
            }
        }

        var span = after == 1 ? "1 day" : string.Create(CultureInfo.InvariantCulture, $"{after} days");
        var reasons = new List<string>(2);
        if (recent.All(d => d.Versions.Any(v => v.Role == "champion" && v.BelowFloor)))
        {
            reasons.Add($"live quality under the floor for {span}");
        }

        if (recent.All(d => d.Drift?.Features.Any(f => f.Drifted) == true))
        {
            reasons.Add($"input drift for {span}");
        }

        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }

    [LoggerMessage(EventId = 740, Level = LogLevel.Warning, Message = "Health: the live results of {Model} could not be read: {Reason}")]
    private partial void LogReadFailed(string model, string reason);

    private sealed record Judged(DateTimeOffset ReadUtc, string? Reason);
}
