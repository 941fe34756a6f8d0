using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ServerlessMl.Telemetry;
using Tags = ServerlessMl.Telemetry.ServerlessMlTelemetry.Tags;

namespace ServerlessMl.Monitoring;

/// <summary>
/// The newest live day of each model this process has seen (written by the live job, or read by
/// the health check), for the live gauges. In memory only: a fresh instance reports nothing until
/// either happens.
/// </summary>
internal sealed class LiveGauges : ILiveReadings
{
    private readonly ConcurrentDictionary<string, LiveDay> _newest = new(StringComparer.Ordinal);

    public LiveGauges(ServerlessMlMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        metrics.ObserveLive(this);
    }

    /// <summary>Remembers <paramref name="day"/> unless a later day of the model is already known; the same day recomputed replaces it.</summary>
    public void Update(string model, LiveDay day)
    {
        ArgumentNullException.ThrowIfNull(day);
        _newest.AddOrUpdate(model, day, (_, known) => day.Day >= known.Day ? day : known);
    }

    public LiveDay? Newest(string model) => _newest.GetValueOrDefault(model);

    public IEnumerable<Measurement<double>> PrimaryMetrics()
    {
        foreach (var (model, day) in _newest)
        {
            foreach (var version in day.Versions)
            {
                if (version.Metrics.TryGetValue(version.PrimaryMetric, out var value))
                {
                    yield return new(value, Tag(Tags.Model, model), Tag(Tags.Version, version.Version), Tag(Tags.Role, version.Role), Tag(Tags.Metric, version.PrimaryMetric));
                }
            }
        }
    }

    public IEnumerable<Measurement<double>> WorstDrift()
    {
        foreach (var (model, day) in _newest)
        {
            if (day.Drift?.Worst is { Threshold: > 0 } worst)
            {
                yield return new(worst.Value / worst.Threshold, Tag(Tags.Model, model));
            }
        }
    }

    public IEnumerable<Measurement<long>> RowsWithTruth()
    {
        foreach (var (model, day) in _newest)
        {
            foreach (var version in day.Versions)
            {
                yield return new(version.WithTruth, Tag(Tags.Model, model), Tag(Tags.Version, version.Version), Tag(Tags.Role, version.Role));
            }
        }
    }

    private static KeyValuePair<string, object?> Tag(string name, object? value) => new(name, value);
}
