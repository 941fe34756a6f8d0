using Azure;
using ServerlessMl.Storage;

namespace ServerlessMl.Scoring;

/// <summary>
/// Keeps one run's ledger in step with what is stored in the table (at checkpoints and at the end),
/// and saves the run's record when it ends.
/// </summary>
internal sealed class RunRecorder(ScoringStore store, ScoringLedger ledger, ETag? etag, ScoringRun run, TimeProvider time)
{
    public ScoringRun Run => run;

    /// <summary>Notes where a drop stands; an unreadable drop is settled until its ETag changes.</summary>
    public void Track(DropResult result, bool unreadable = false) =>
        ledger.Drops[result.Blob] = new DropState(
            result.ETag, run.Version!, result.EndRow, result.Complete || unreadable, time.GetUtcNow(), unreadable ? result.Problem : null);

    public async Task CheckpointAsync(DropResult result, CancellationToken cancellationToken)
    {
        Track(result);
        etag = await store.WriteLedgerAsync(run.Model, ledger, etag, cancellationToken);
    }

    /// <summary>
    /// Saves the ledger and the run's record, on their own deadline so that a run stopped by its
    /// host still says where it stopped. When storage refuses, the run says so: the next one then
    /// goes on from the last checkpoint, and rows stored since are replaced, not duplicated.
    /// </summary>
    public async Task<ScoringRun> FinishAsync(StorageOptions storage)
    {
        using var deadline = storage.Deadline(CancellationToken.None);
        try
        {
            etag = await store.WriteLedgerAsync(run.Model, ledger, etag, deadline.Token);
            await store.WriteRunAsync(run, deadline.Token);
        }
        catch (Exception ex) when (StorageFailure.Is(ex))
        {
            run.Status = ScoringStatus.Failed;
            run.StorageFailed = true;
            run.Reasons.Add(ex is RequestFailedException { Status: 412 }
                ? "another run changed the scoring ledger while this one ran; its rows are stored, and the next run checks what is due"
                : $"the run's record could not be saved ({StorageFailure.Reason(ex)}); the next run goes on from its last checkpoint");
        }

        return run;
    }
}
