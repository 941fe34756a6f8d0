using System.Buffers.Text;
using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace ServerlessMl.Scoring;

/// <summary>
/// The predictions table: one partition per model and day (<c>&lt;model&gt;:yyyy-MM-dd</c>), one
/// entity per row key, written by upsert so that a rerun replaces and never duplicates.
/// </summary>
internal sealed class PredictionTable(TableClient table)
{
    /// <summary>Entity group transactions hold at most this many entities of one partition.</summary>
    public const int MaxBatch = 100;

    /// <summary>Longest row key accepted from a drop, before escaping.</summary>
    public const int MaxKeyLength = 256;

    public const string KeyProperty = "Key";
    public const string VersionProperty = "Version";
    public const string ScoredAtProperty = "ScoredAt";
    public const string DropProperty = "Drop";
    public const string RowProperty = "Row";

    public static string PartitionOf(string model, DateOnly day) =>
        string.Create(CultureInfo.InvariantCulture, $"{model}:{day:yyyy-MM-dd}");

    /// <summary>Row keys cannot hold '/', '\', '#', '?' or control characters: any key is stored escaped.</summary>
    public static string RowKeyOf(string key) => Uri.EscapeDataString(key);

    /// <summary>Why a key cannot be stored; null when it can.</summary>
    public static string? KeyProblem(string? key) =>
        string.IsNullOrWhiteSpace(key) ? "the row has no key"
        : key.Length > MaxKeyLength ? $"the key is {key.Length} characters; the limit is {MaxKeyLength}"
        : null;

    /// <summary>The day a key names when it starts with one (yyyy-MM-dd…); keys that are timestamps do.</summary>
    public static DateOnly? DayIn(string key) =>
        key.Length >= 10 && DateOnly.TryParseExact(key.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : null;

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken) => table.CreateIfNotExistsAsync(cancellationToken);

    /// <summary>
    /// Upserts the entities in transactions of up to <see cref="MaxBatch"/> per partition, with
    /// <paramref name="inFlight"/> transactions at a time. A key twice in the list keeps its last entity.
    /// </summary>
    public async Task UpsertAsync(IEnumerable<TableEntity> entities, int inFlight, CancellationToken cancellationToken)
    {
        var latest = new Dictionary<(string, string), TableEntity>();
        foreach (var entity in entities)
        {
            latest[(entity.PartitionKey, entity.RowKey)] = entity;
        }

        var batches = latest.Values.GroupBy(e => e.PartitionKey, StringComparer.Ordinal).SelectMany(p => p.Chunk(MaxBatch));
        await Parallel.ForEachAsync(
            batches,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, inFlight), CancellationToken = cancellationToken },
            async (batch, token) => await table.SubmitTransactionAsync(
                batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), token));
    }

    /// <summary>The stored prediction of <paramref name="key"/> in the day's partition; null when there is none.</summary>
    public async Task<TableEntity?> GetAsync(string model, DateOnly day, string key, CancellationToken cancellationToken)
    {
        try
        {
            var found = await table.GetEntityIfExistsAsync<TableEntity>(PartitionOf(model, day), RowKeyOf(key), cancellationToken: cancellationToken);
            return found.HasValue ? found.Value : null;
        }
        catch (RequestFailedException ex) when (IsMissingTable(ex))
        {
            return null;
        }
    }

    /// <summary>
    /// The newest stored prediction of <paramref name="key"/> in any of the model's partitions: a
    /// query across them, which a key that names its day avoids.
    /// </summary>
    public async Task<TableEntity?> FindAsync(string model, string key, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {model + ":"} and PartitionKey lt {model + ";"} and RowKey eq {RowKeyOf(key)}");
        TableEntity? newest = null;
        try
        {
            await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                if (newest is null || ScoredAt(entity) > ScoredAt(newest))
                {
                    newest = entity;
                }
            }
        }
        catch (RequestFailedException ex) when (IsMissingTable(ex))
        {
            return null;
        }

        return newest;
    }

    /// <summary>
    /// One page of the predictions with keys from <paramref name="from"/> to <paramref name="to"/>,
    /// both days included. The continuation is the table's own, wrapped so that a token this
    /// route did not give, or one of another model, is refused rather than passed on.
    /// </summary>
    /// <exception cref="FormatException">The continuation is not one this route gave for the model.</exception>
    public async Task<(IReadOnlyList<TableEntity> Entities, string? Next)> RangeAsync(
        string model, (DateOnly Day, string Key) from, (DateOnly Day, string Key) to, int pageSize, string? continuation, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {PartitionOf(model, from.Day)} and PartitionKey le {PartitionOf(model, to.Day)} and RowKey ge {RowKeyOf(from.Key)} and RowKey le {RowKeyOf(to.Key)}");
        var token = continuation is null ? null : Unwrap(model, continuation);
        try
        {
            await foreach (var page in table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: cancellationToken).AsPages(token, pageSize))
            {
                return (page.Values, page.ContinuationToken is { } next ? Wrap(model, next) : null);
            }
        }
        catch (RequestFailedException ex) when (IsMissingTable(ex))
        {
            return ([], null);
        }
        catch (RequestFailedException ex) when (ex.Status == 400 && token is not null)
        {
            throw new FormatException(StaleContinuation, ex);
        }

        return ([], null);
    }

    private const string StaleContinuation = "The continuation is not one this route gave for this model: pass back the 'continuation' of the previous page unchanged.";

    // The table's token is opaque; the model's name in front of it ties it to the model it paged.
    private static string Wrap(string model, string token) => Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(model + "\n" + token));

    private static string Unwrap(string model, string continuation)
    {
        string token;
        try
        {
            token = System.Text.Encoding.UTF8.GetString(Base64Url.DecodeFromChars(continuation));
        }
        catch (FormatException)
        {
            token = "";
        }

        return token.StartsWith(model + "\n", StringComparison.Ordinal) && token.Length > model.Length + 1
            ? token[(model.Length + 1)..]
            : throw new FormatException(StaleContinuation);
    }

    // Nothing has been precomputed yet (locally the first run creates the table; in Azure, the deployment).
    private static bool IsMissingTable(RequestFailedException ex) => ex.Status == 404 && ex.ErrorCode == "TableNotFound";

    private static DateTimeOffset ScoredAt(TableEntity entity) => entity.GetDateTimeOffset(ScoredAtProperty) ?? DateTimeOffset.MinValue;
}
