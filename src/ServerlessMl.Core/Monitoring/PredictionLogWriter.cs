using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessMl.Storage;

namespace ServerlessMl.Monitoring;

/// <summary>
/// Writes the prediction log off the request's path: every <c>Monitoring__FlushSeconds</c> it
/// takes what is queued, makes the lines (and the shadow challenger's answers), and appends them
/// to this instance's hourly blobs; at shutdown it writes what is left within the host's deadline.
/// A storage outage costs the items it could not write (counted, logged once), never a request.
/// </summary>
internal sealed partial class PredictionLogWriter(
    PredictionLogQueue queue, LogBlobAppender appender, IOptions<MonitoringOptions> options, TimeProvider time, ILogger<PredictionLogWriter> logger)
    : BackgroundService
{
    // One flush at a time: the challengers' engines and the appender's state are single-threaded.
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly HashSet<string> _unlineable = new(StringComparer.Ordinal);

    // Kept between flushes (used only under _flushing): the line buffer and the blocks' memory are reused.
    private readonly LogBlocks _blocks = new();
    private long _lostInOutage;
    private bool _outage;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.FlushSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                // Not cancelled by the stop: a flush under way finishes, and the last one follows it.
                await FlushAsync(CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        // Whatever the deadline left in the queue is lost.
        while (queue.TryTake(out var pending))
        {
            queue.CountDropped(pending.Model, pending.Count, PredictionLogQueue.StorageCause);
        }
    }

    /// <summary>Writes everything queued now.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            Collect();
            var failed = false;
            foreach (var (model, hour, list) in _blocks.Blobs)
            {
                foreach (var block in list)
                {
                    failed = failed || !await AppendAsync(model, hour, block, cancellationToken);
                    if (failed)
                    {
                        // Storage just failed: the rest of this flush is not worth a deadline each.
                        queue.CountDropped(model, block.Items, PredictionLogQueue.StorageCause);
                        _lostInOutage += block.Items;
                    }
                }
            }
        }
        finally
        {
            _blocks.Clear();
            _flushing.Release();
        }
    }

    private void Collect()
    {
        while (queue.TryTake(out var pending))
        {
            try
            {
                var tooLarge = pending.WriteLines(_blocks);
                if (tooLarge > 0)
                {
                    queue.CountDropped(pending.Model, tooLarge, PredictionLogQueue.StorageCause);
                }
            }
            catch (Exception ex)
            {
                // A model's own code (truth key, answer) failing must not stop the log for every model.
                queue.CountDropped(pending.Model, pending.Count, PredictionLogQueue.ErrorCause);
                if (_unlineable.Add(pending.Model))
                {
                    LogUnlineable(logger, pending.Model, ex.Message);
                }
            }
        }
    }

    private async Task<bool> AppendAsync(string model, DateTimeOffset hour, LogBlock block, CancellationToken cancellationToken)
    {
        try
        {
            await appender.AppendAsync(model, hour, block.Bytes, cancellationToken);
        }
        catch (Exception ex) when (StorageFailure.Is(ex))
        {
            if (!_outage)
            {
                _outage = true;
                _lostInOutage = 0;
                LogOutage(logger, model, StorageFailure.Reason(ex));
            }

            return false;
        }

        queue.CountWritten(model, block.Items);
        if (_outage)
        {
            _outage = false;
            LogRecovered(logger, _lostInOutage);
        }

        return true;
    }

    public override void Dispose()
    {
        _flushing.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "The prediction log of {Model} cannot be written; sampled items are dropped and counted until storage answers: {Reason}")]
    private static partial void LogOutage(ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "The prediction log is written again; {Items} items were lost while storage failed")]
    private static partial void LogRecovered(ILogger logger, long items);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Served predictions of {Model} cannot be made into log lines and are dropped: {Reason}")]
    private static partial void LogUnlineable(ILogger logger, string model, string reason);
}
