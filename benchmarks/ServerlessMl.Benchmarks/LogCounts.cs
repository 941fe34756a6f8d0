using System.Diagnostics.Metrics;

namespace ServerlessMl.Benchmarks;

/// <summary>The log's own counters, from every app in the process.</summary>
internal sealed class LogCounts : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _written;
    private long _dropped;

    public LogCounts()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name is "serverlessml.log.items" or "serverlessml.log.dropped")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            Interlocked.Add(ref instrument.Name == "serverlessml.log.items" ? ref _written : ref _dropped, value));
        _listener.Start();
    }

    public long Written => Interlocked.Read(ref _written);

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Dispose() => _listener.Dispose();
}
