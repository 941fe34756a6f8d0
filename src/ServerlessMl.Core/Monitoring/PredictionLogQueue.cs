using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using ServerlessMl.Telemetry;
using Tags = ServerlessMl.Telemetry.ServerlessMlTelemetry.Tags;

namespace ServerlessMl.Monitoring;

/// <summary>
/// Served predictions waiting for the log's writer, bounded by items: adding never waits and never
/// blocks a request; when the bound would be passed the request's items are dropped and counted.
/// The writer takes items as they come: it is woken when the queue passes a small count, so a
/// request pays at most one signal, and only the request that crosses that count.
/// </summary>
internal sealed class PredictionLogQueue(IOptions<MonitoringOptions> options, ServerlessMlMetrics metrics)
{
    public const string QueueFull = "queue_full";
    public const string StorageCause = "storage";
    public const string ErrorCause = "error";

    private readonly ConcurrentQueue<IPendingPrediction> _pending = new();
    private readonly int _capacity = options.Value.QueueCapacity;

    // Small enough that queued requests are taken before many collections pass over them.
    private readonly int _wakeAt = Math.Min(1024, options.Value.QueueCapacity / 4);

    // Unbounded: each release follows a fall of the count the writer made, so releases never outrun its waits by much.
    private readonly SemaphoreSlim _arrived = new(0);
    private int _items;

    /// <summary>Items waiting now.</summary>
    public int Items => Volatile.Read(ref _items);

    /// <summary>Queues <paramref name="pending"/>, or drops and counts it when the queue is full.</summary>
    public bool TryAdd(IPendingPrediction pending)
    {
        var items = Interlocked.Add(ref _items, pending.Count);
        if (items > _capacity)
        {
            Interlocked.Add(ref _items, -pending.Count);
            CountDropped(pending.Model, pending.Count, QueueFull);
            return false;
        }

        _pending.Enqueue(pending);
        if (items >= _wakeAt && items - pending.Count < _wakeAt)
        {
            _arrived.Release();
        }

        return true;
    }

    /// <summary>Waits until the queue has passed the count that wakes the writer, or <paramref name="interval"/> has passed.</summary>
    public Task WaitAsync(TimeSpan interval, CancellationToken cancellationToken) => _arrived.WaitAsync(interval, cancellationToken);

    /// <summary>The oldest waiting request's items, taken off the queue; false when it is empty.</summary>
    public bool TryTake(out IPendingPrediction pending)
    {
        if (!_pending.TryDequeue(out pending!))
        {
            return false;
        }

        Interlocked.Add(ref _items, -pending.Count);
        return true;
    }

    public void CountDropped(string model, int items, string cause)
    {
        if (metrics.LogDropped.Enabled)
        {
            metrics.LogDropped.Add(items, new(Tags.Model, model), new(Tags.Cause, cause));
        }
    }

    public void CountWritten(string model, int items)
    {
        if (metrics.LogItems.Enabled)
        {
            metrics.LogItems.Add(items, new KeyValuePair<string, object?>(Tags.Model, model));
        }
    }
}
