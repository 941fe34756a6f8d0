using Azure.Data.Tables;
using Microsoft.ML;
using ServerlessMl.Definitions;

namespace ServerlessMl.Scoring;

/// <summary>
/// Scores the drops of one run with its pinned model and stores each chunk's predictions, scoring
/// the next chunk while the last one is written. A chunk counts as done only once its writes have
/// finished, so <see cref="DropResult.EndRow"/> never names a row that is not stored.
/// </summary>
internal sealed class DropScoring(ScoringRun run, IBatchScorer scorer, ITransformer model, PredictionTable table, ScoringOptions options, TimeProvider time)
{
    private const int MaxChunkRows = 2_000;

    // Never more rows between checkpoints than a checkpoint allows.
    private readonly int _chunkRows = Math.Min(MaxChunkRows, options.CheckpointRows);

    /// <summary>
    /// Scores <paramref name="localPath"/> into the table until it ends or <paramref name="stop"/>
    /// says so; calls <paramref name="checkpoint"/> every <see cref="ScoringOptions.CheckpointRows"/>.
    /// A storage failure propagates, leaving <paramref name="result"/> at the last stored row.
    /// </summary>
    /// <exception cref="DataValidationException">The file cannot be read at all (encoding, header).</exception>
    public async Task ScoreAsync(DropResult result, string localPath, DateOnly day, Func<bool> stop, Func<Task> checkpoint, CancellationToken cancellationToken)
    {
        using var items = scorer.Score(model, localPath, result.Blob, day, result.StartRow).GetEnumerator();
        var sinceCheckpoint = 0L;
        (Task Write, Chunk Chunk)? writing = null;
        while (true)
        {
            var chunk = Read(items, result);
            if (writing is { } previous)
            {
                await previous.Write;
                sinceCheckpoint += Commit(previous.Chunk, result);
            }

            writing = (WriteAsync(chunk, cancellationToken), chunk);
            if (chunk.Ended || stop())
            {
                break;
            }

            if (sinceCheckpoint >= options.CheckpointRows)
            {
                await checkpoint();
                sinceCheckpoint = 0;
            }
        }

        var last = writing.Value;
        await last.Write;
        Commit(last.Chunk, result);
        result.Complete = last.Chunk.Ended;
    }

    private async Task WriteAsync(Chunk chunk, CancellationToken cancellationToken)
    {
        using var span = Telemetry.ServerlessMlTelemetry.Start("score-write", run.Model);
        if (chunk.Entities.Count > 0)
        {
            await table.UpsertAsync(chunk.Entities, options.TableTransactionsInFlight, cancellationToken);
        }
    }

    private Chunk Read(IEnumerator<ScoringItem> items, DropResult result)
    {
        var entities = new List<TableEntity>(_chunkRows);
        var refused = new List<RefusedRow>();
        var endRow = result.EndRow;
        var now = time.GetUtcNow();
        while (entities.Count < _chunkRows)
        {
            if (!items.MoveNext())
            {
                return new Chunk(entities, refused, endRow, Ended: true);
            }

            var item = items.Current;
            endRow = item.Row;
            if (item.Problem is { } problem)
            {
                refused.Add(new RefusedRow(result.Blob, item.Row, problem));
                continue;
            }

            entities.Add(Entity(result.Blob, item, now));
        }

        return new Chunk(entities, refused, endRow, Ended: false);

        TableEntity Entity(string blob, ScoringItem item, DateTimeOffset scoredAt)
        {
            var entity = new TableEntity(PredictionTable.PartitionOf(run.Model, item.Day), PredictionTable.RowKeyOf(item.Key!))
            {
                [PredictionTable.KeyProperty] = item.Key,
                [PredictionTable.VersionProperty] = run.Version,
                [PredictionTable.ScoredAtProperty] = scoredAt,
                [PredictionTable.DropProperty] = blob,
                [PredictionTable.RowProperty] = item.Row,
            };
            for (var i = 0; i < scorer.FieldNames.Count; i++)
            {
                entity[scorer.FieldNames[i]] = item.Fields![i];
            }

            return entity;
        }
    }

    /// <summary>Moves the drop's position past a chunk whose writes finished; returns the rows it held.</summary>
    private long Commit(Chunk chunk, DropResult result)
    {
        result.RowsScored += chunk.Entities.Count;
        result.RowsRefused += chunk.Refused.Count;
        foreach (var row in chunk.Refused)
        {
            run.ListRefused(row, options.MaxListedRefusedRows);
        }

        var rows = chunk.EndRow - result.EndRow;
        result.EndRow = chunk.EndRow;
        return rows;
    }

    private sealed record Chunk(List<TableEntity> Entities, List<RefusedRow> Refused, long EndRow, bool Ended);
}
