using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;

namespace ServerlessMl.Registry;

/// <summary>
/// A blob lease that makes retrain runs of one model mutually exclusive across instances and
/// hosts (timer, admin endpoint, CLI). Renewed in the background while held; a crashed holder
/// loses it after <see cref="Duration"/>.
/// </summary>
public sealed partial class RetrainLease : IAsyncDisposable
{
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(60);

    private readonly BlobLeaseClient _lease;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewal;

    private RetrainLease(BlobLeaseClient lease, ILogger logger)
    {
        _lease = lease;
        _logger = logger;
        _renewal = RenewUntilStoppedAsync();
    }

    internal static async Task<RetrainLease?> TryAcquireAsync(BlobClient lockBlob, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await lockBlob.UploadAsync(BinaryData.Empty, new Azure.Storage.Blobs.Models.BlobUploadOptions
            {
                Conditions = new Azure.Storage.Blobs.Models.BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // The lock blob exists already (and may be leased): that is the normal case.
        }

        var lease = lockBlob.GetBlobLeaseClient();
        try
        {
            await lease.AcquireAsync(Duration, cancellationToken: cancellationToken);
            return new RetrainLease(lease, logger);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewal;
        try
        {
            await _lease.ReleaseAsync();
        }
        catch (RequestFailedException ex)
        {
            LogReleaseFailed(ex.Message);
        }

        _stop.Dispose();
    }

    private async Task RenewUntilStoppedAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(Duration / 3, _stop.Token);
                try
                {
                    await _lease.RenewAsync(cancellationToken: _stop.Token);
                }
                catch (RequestFailedException ex)
                {
                    LogRenewFailed(ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Released by DisposeAsync.
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Renewing the retrain lease failed: {Reason}")]
    private partial void LogRenewFailed(string reason);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Releasing the retrain lease failed: {Reason}")]
    private partial void LogReleaseFailed(string reason);
}
