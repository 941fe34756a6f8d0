using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessMl.Storage;

namespace ServerlessMl.Monitoring;

/// <summary>
/// Writes the prediction log off the request's path. It takes queued items as they come (woken by
/// the queue or every <see cref="DrainInterval"/>), makes their lines (and the shadow challenger's
/// answers) at once, and keeps them in blocks that it appends to this instance's hourly blobs every
/// <c>Monitoring__FlushSeconds</c>, as soon as a block is full or the lines held reach
/// <see cref="HeldBytes"/>, and at shutdown within the host's deadline. While an append waits on
/// storage nothing is taken, so a slow storage fills the queue rather than memory.
/// A storage outage costs the items it could not write (counted, logged once), never a request.
/// </summary>
internal sealed partial class PredictionLogWriter(
    PredictionLogQueue queue, LogBlobAppender appender, IOptions<MonitoringOptions> options, TimeProvider time, ILogger<PredictionLogWriter> logger)
    : BackgroundService
{
    /// <summary>Longest a queued item waits before its line is made, when the queue stays short.</summary>
    public static readonly TimeSpan DrainInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Bytes of lines held for all blobs together before they are appended ahead of the flush interval.</summary>
    public const int HeldBytes = 2 * LogBlobAppender.MaxBlockBytes;

    // One writer at a time: the challengers' engines, the blocks and the appender's state are single-threaded.
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly HashSet<string> _unlineable = new(StringComparer.Ordinal);

    // Used only under _writing: the line buffer and the blocks' memory are reused.
    private readonly LogBlocks _blocks = new(HeldBytes);
    private readonly List<Exception> _failures = [];
    private long _lostInOutage;
    private bool _outage;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(options.Value.FlushSeconds);
        var flushed = time.GetTimestamp();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await queue.WaitAsync(DrainInterval, stoppingToken);
                var due = time.GetElapsedTime(flushed) >= every;

                try
                {
                    // Not cancelled by the stop: an append under way finishes, and the last flush follows it.
                    await WriteAsync(due, CancellationToken.None);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // What was held is counted as lost by the append; a fault the writer did not foresee
                    // must not stop the host that serves the predictions.
                    LogWriteFailed(logger, ex);
                }
                if (due)
                {
                    flushed = time.GetTimestamp();
                }
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

    /// <summary>Writes everything queued and held now.</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => WriteAsync(flush: true, cancellationToken);

    private async Task WriteAsync(bool flush, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            while (!Collect())
            {
                await AppendHeldAsync(cancellationToken);
            }

            if (flush && !_blocks.IsEmpty)
            {
                await AppendHeldAsync(cancellationToken);
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Makes the queued items' lines until the queue is empty (true) or the blocks are full (false).</summary>
    private bool Collect()
    {
        while (!_blocks.Full)
        {
            if (!queue.TryTake(out var pending))
            {
                return true;
            }

            // A model's own code (truth key, answer) failing costs the items it failed on, not the
            // rest of their request nor the log of every model.
            _failures.Clear();
            var tooLarge = pending.WriteLines(_blocks, _failures);
            if (tooLarge > 0)
            {
                queue.CountDropped(pending.Model, tooLarge, PredictionLogQueue.StorageCause);
            }

            if (_failures.Count > 0)
            {
                queue.CountDropped(pending.Model, _failures.Count, PredictionLogQueue.ErrorCause);
                if (_unlineable.Add(pending.Model))
                {
                    LogUnlineable(logger, pending.Model, _failures[0].Message);
                }
            }
        }

        return false;
    }

    private async Task AppendHeldAsync(CancellationToken cancellationToken)
    {
        var failed = false;
        try
        {
            foreach (var (model, hour, list) in _blocks.Blobs)
            {
                foreach (var block in list)
                {
                    failed = failed || !await AppendAsync(model, hour, block, cancellationToken);
                    if (failed)
                    {
                        // Storage just failed: the rest of these blocks are not worth a deadline each.
                        queue.CountDropped(model, block.Items, PredictionLogQueue.StorageCause);
                        _lostInOutage += block.Items;
                    }

                    block.Items = 0;
                }
            }
        }
        finally
        {
            // An append that threw what is not a storage failure leaves blocks unwritten: they are lost too.
            foreach (var (model, _, list) in _blocks.Blobs)
            {
                foreach (var block in list.Where(b => b.Items > 0))
                {
                    queue.CountDropped(model, block.Items, PredictionLogQueue.StorageCause);
                }
            }

            _blocks.Clear();
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

    [LoggerMessage(EventId = 1103, Level = LogLevel.Error, Message = "The prediction log's writer failed; it goes on with the next items")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "The prediction log of {Model} cannot be written; sampled items are dropped and counted until storage answers: {Reason}")]
    private static partial void LogOutage(ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "The prediction log is written again; {Items} items were lost while storage failed")]
    private static partial void LogRecovered(ILogger logger, long items);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Served predictions of {Model} cannot be made into log lines and are dropped: {Reason}")]
    private static partial void LogUnlineable(ILogger logger, string model, string reason);
}
