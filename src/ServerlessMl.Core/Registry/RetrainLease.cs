using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;

namespace ServerlessMl.Registry;

/// <summary>
/// A blob lease that makes retrain runs of one model mutually exclusive across instances and
/// hosts (timer, admin endpoint, CLI). Renewed in the background while held, retrying through
/// passing storage errors; a holder that dies loses it at most <see cref="Duration"/> after its
/// last renewal, which the lock blob records so a refused run can say when the lease clears.
/// </summary>
internal sealed partial class RetrainLease : IAsyncDisposable
{
    public static readonly TimeSpan Duration = LeaseTiming.Default.Duration;

    private const string RenewedKey = "renewedutc";
    private const string HolderKey = "holder";

    private readonly BlobClient _blob;
    private readonly BlobLeaseClient _lease;
    private readonly string _holder;
    private readonly LeaseTiming _timing;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewal;

    private RetrainLease(BlobClient blob, BlobLeaseClient lease, string holder, LeaseTiming timing, ILogger logger)
    {
        _blob = blob;
        _lease = lease;
        _holder = holder;
        _timing = timing;
        _logger = logger;
        _renewal = RenewUntilStoppedAsync();
    }

    /// <summary>Takes the lease, or returns null when another run holds it.</summary>
    internal static async Task<RetrainLease?> TryAcquireAsync(BlobClient lockBlob, string holder, ILogger logger, CancellationToken cancellationToken, LeaseTiming? timing = null)
    {
        timing ??= LeaseTiming.Default;
        try
        {
            await lockBlob.UploadAsync(BinaryData.Empty, new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // The lock blob exists already (and may be leased): that is the normal case.
        }

        var lease = lockBlob.GetBlobLeaseClient();
        try
        {
            await lease.AcquireAsync(timing.Duration, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return null;
        }

        // Held from here on: whatever happens next, the caller gets the lease so that disposing it
        // releases it. The stamp only informs runs that find it held, so its failure is not the run's.
        var held = new RetrainLease(lockBlob, lease, holder, timing, logger);
        try
        {
            await Stamp(lockBlob, lease.LeaseId, holder, cancellationToken);
        }
        catch (Exception ex) when (Storage.StorageFailure.Is(ex))
        {
            held.LogStampFailed(ex.Message);
        }

        return held;
    }

    /// <summary>
    /// Who holds the lease and the latest time it clears if that holder has died (last renewal
    /// plus <see cref="Duration"/>); null when the lock blob says nothing.
    /// </summary>
    internal static async Task<LeaseHolder?> DescribeAsync(BlobClient lockBlob, CancellationToken cancellationToken)
    {
        var properties = (await lockBlob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        if (!properties.Metadata.TryGetValue(RenewedKey, out var renewedText)
            || !DateTimeOffset.TryParse(renewedText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var renewed))
        {
            return null;
        }

        properties.Metadata.TryGetValue(HolderKey, out var holder);
        return new LeaseHolder(holder ?? "unknown", renewed, renewed + LeaseTiming.Default.Duration);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewal;
        try
        {
            // Bounded: on hung storage, waiting out the SDK's retries would only delay the run's
            // outcome, and the lease expires by itself anyway.
            using var deadline = new CancellationTokenSource(_timing.RenewEvery);
            await _lease.ReleaseAsync(cancellationToken: deadline.Token);
        }
        catch (Exception ex)
        {
            // Never over the job's own outcome: an unreleased lease expires by itself.
            LogReleaseFailed(ex.Message, _timing.Duration.TotalSeconds);
        }

        _stop.Dispose();
    }

    private async Task RenewUntilStoppedAsync()
    {
        var wait = _timing.RenewEvery;
        try
        {
            while (true)
            {
                await Task.Delay(wait, _stop.Token);
                try
                {
                    await _lease.RenewAsync(cancellationToken: _stop.Token);
                    await Stamp(_blob, _lease.LeaseId, _holder, _stop.Token);
                    wait = _timing.RenewEvery;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !_stop.IsCancellationRequested)
                {
                    // A passing outage must not end renewal for good: try again soon, while the
                    // lease still has time to run.
                    LogRenewFailed(ex.Message);
                    wait = _timing.RetryEvery;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Released by DisposeAsync.
        }
    }

    private static Task Stamp(BlobClient blob, string leaseId, string holder, CancellationToken cancellationToken) =>
        blob.SetMetadataAsync(
            new Dictionary<string, string>
            {
                [RenewedKey] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
                [HolderKey] = holder,
            },
            new BlobRequestConditions { LeaseId = leaseId },
            cancellationToken);

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Renewing the retrain lease failed, retrying: {Reason}")]
    private partial void LogRenewFailed(string reason);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Recording the retrain lease's holder failed: {Reason}")]
    private partial void LogStampFailed(string reason);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Releasing the retrain lease failed ({Reason}); it expires by itself within {Seconds} s")]
    private partial void LogReleaseFailed(string reason, double seconds);
}

/// <summary>How long a lease lasts, how often it is renewed, and how soon a failed renewal is retried.</summary>
internal sealed record LeaseTiming(TimeSpan Duration, TimeSpan RenewEvery, TimeSpan RetryEvery)
{
    public static readonly LeaseTiming Default = new(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(2));
}

/// <summary>The run holding a retrain lease: who, when it last renewed, and when it clears at the latest if it died.</summary>
internal sealed record LeaseHolder(string Holder, DateTimeOffset RenewedUtc, DateTimeOffset ClearsByUtc);
