using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ServerlessMl.Telemetry;

namespace ServerlessMl.Testing;

/// <summary>
/// Records what one test app emits, as an OpenTelemetry exporter would receive it: the
/// measurements of the app's own meter (told apart from other tests' by the app's
/// <see cref="IMeterFactory"/>) and the ServerlessMl spans under a root span this recorder starts
/// (told apart by trace id).
/// </summary>
public sealed class TelemetryRecorder : IDisposable
{
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _spans;
    private readonly Activity _root;

    public TelemetryRecorder(IMeterFactory appMeters)
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ServerlessMlTelemetry.Name && ReferenceEquals(instrument.Meter.Scope, appMeters))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Measurements.Add(new(i.Name, v, ToDictionary(tags))));
        _meters.SetMeasurementEventCallback<int>((i, v, tags, _) => Measurements.Add(new(i.Name, v, ToDictionary(tags))));
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Measurements.Add(new(i.Name, v, ToDictionary(tags))));
        _meters.Start();

        _root = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();
        var trace = _root.TraceId;
        _spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ServerlessMlTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Parent.TraceId == trace ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = activity => Spans.Add(activity),
        };
        ActivitySource.AddActivityListener(_spans);
    }

    public ConcurrentBag<Measurement> Measurements { get; } = [];

    public ConcurrentBag<Activity> Spans { get; } = [];

    /// <summary>The measurements of one instrument whose tags include every one given.</summary>
    public IReadOnlyList<Measurement> Of(string instrument, params (string Tag, object? Value)[] tags) =>
        [.. Measurements.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.TryGetValue(t.Tag, out var v) && Equals(v, t.Value)))];

    /// <summary>Takes one reading of every observable instrument (the gauges), as an exporter does on each collection.</summary>
    public void RecordObservableInstruments() => _meters.RecordObservableInstruments();

    /// <summary>The finished spans of one name.</summary>
    public IReadOnlyList<Activity> SpansNamed(string name) => [.. Spans.Where(s => s.OperationName == name)];

    public void Dispose()
    {
        _root.Dispose();
        _spans.Dispose();
        _meters.Dispose();
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }

    public sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);
}
