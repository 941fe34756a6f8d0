namespace ServerlessMl.Monitoring;

/// <summary>
/// One sampled request's served items waiting in the queue: references to what the request path
/// already built, so nothing is serialized on the caller's time.
/// </summary>
internal interface IPendingPrediction
{
    string Model { get; }

    DateTimeOffset Time { get; }

    /// <summary>Items of the request: each becomes one line.</summary>
    int Count { get; }

    /// <summary>Adds the request's lines, one per item, to <paramref name="blocks"/>; called on the writer's thread only.</summary>
    /// <param name="failures">Where items whose lines could not be made are reported, the others going on; null: the failure propagates.</param>
    /// <returns>The lines too large to write.</returns>
    int WriteLines(LogBlocks blocks, List<Exception>? failures = null);
}

/// <inheritdoc cref="IPendingPrediction"/>
/// <remarks>
/// A single request is held by its request, features and item themselves, a batch by the arrays the
/// request path made for its answer: a sampled single request costs this one object.
/// </remarks>
internal sealed class PendingPrediction<TRequest, TFeatures, TPrediction, TItem> : IPendingPrediction
    where TRequest : class
    where TFeatures : class, new()
    where TPrediction : class, new()
{
    private readonly PredictionLines<TRequest, TFeatures, TPrediction, TItem> _lines;
    private readonly TRequest? _request;
    private readonly TFeatures? _features;
    private readonly TItem? _item;
    private readonly TRequest[]? _requests;
    private readonly TFeatures[]? _batchFeatures;
    private readonly TItem[]? _items;

    public PendingPrediction(
        PredictionLines<TRequest, TFeatures, TPrediction, TItem> lines, string requestId, DateTimeOffset time, string version, TRequest request, TFeatures features, TItem item)
        : this(lines, requestId, time, version)
    {
        _request = request;
        _features = features;
        _item = item;
    }

    public PendingPrediction(
        PredictionLines<TRequest, TFeatures, TPrediction, TItem> lines, string requestId, DateTimeOffset time, string version, TRequest[] requests, TFeatures[] features, TItem[] items)
        : this(lines, requestId, time, version)
    {
        _requests = requests;
        _batchFeatures = features;
        _items = items;
    }

    private PendingPrediction(PredictionLines<TRequest, TFeatures, TPrediction, TItem> lines, string requestId, DateTimeOffset time, string version)
    {
        _lines = lines;
        RequestId = requestId;
        Time = time;
        Version = version;
    }

    public string Model => _lines.Model;

    public DateTimeOffset Time { get; }

    public int Count => _items?.Length ?? 1;

    public string RequestId { get; }

    public string Version { get; }

    public TRequest Request(int index) => _requests is null ? _request! : _requests[index];

    public TFeatures Features(int index) => _batchFeatures is null ? _features! : _batchFeatures[index];

    public TItem Item(int index) => _items is null ? _item! : _items[index];

    public int WriteLines(LogBlocks blocks, List<Exception>? failures = null) => _lines.Write(this, blocks, failures);
}
