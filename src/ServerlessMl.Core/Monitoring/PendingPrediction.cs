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

    /// <summary>The request's lines, one per item; called on the writer's thread only.</summary>
    IEnumerable<LoggedPrediction> Lines();
}

/// <inheritdoc cref="IPendingPrediction"/>
internal sealed class PendingPrediction<TRequest, TFeatures, TPrediction, TItem>(
    PredictionLines<TRequest, TFeatures, TPrediction, TItem> lines,
    string requestId,
    DateTimeOffset time,
    string version,
    TRequest[] requests,
    TFeatures[] features,
    TItem[] items) : IPendingPrediction
    where TRequest : class
    where TFeatures : class, new()
    where TPrediction : class, new()
{
    public string Model => lines.Model;

    public DateTimeOffset Time => time;

    public int Count => items.Length;

    public string RequestId => requestId;

    public string Version => version;

    public TRequest[] Requests => requests;

    public TFeatures[] Features => features;

    public TItem[] Items => items;

    public IEnumerable<LoggedPrediction> Lines() => lines.Of(this);
}
