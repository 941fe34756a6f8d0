namespace ServerlessMl.Monitoring;

/// <summary>
/// The request path's side of one model's prediction log: whether a request is sampled, and the
/// hand-off of its served items to the queue. Both are cheap and neither waits.
/// </summary>
internal sealed class ModelLog<TRequest, TFeatures, TPrediction, TItem>(
    PredictionLines<TRequest, TFeatures, TPrediction, TItem> lines, double sampleRate, PredictionLogQueue queue, TimeProvider time)
    where TRequest : class
    where TFeatures : class, new()
    where TPrediction : class, new()
{
    public double SampleRate => sampleRate;

    /// <summary>Whether this request's items are logged; with logging off, one comparison and no random draw.</summary>
    public bool Sampled() => sampleRate > 0 && (sampleRate >= 1 || Random.Shared.NextDouble() < sampleRate);

    /// <summary>Queues a sampled single request (dropped and counted when the queue is full).</summary>
    public void Add(string requestId, string version, TRequest request, TFeatures features, TItem item) =>
        queue.TryAdd(new PendingPrediction<TRequest, TFeatures, TPrediction, TItem>(lines, requestId, time.GetUtcNow(), version, request, features, item));

    /// <summary>Queues a sampled batch's items (dropped and counted when the queue is full).</summary>
    public void Add(string requestId, string version, TRequest[] requests, TFeatures[] features, TItem[] items) =>
        queue.TryAdd(new PendingPrediction<TRequest, TFeatures, TPrediction, TItem>(lines, requestId, time.GetUtcNow(), version, requests, features, items));
}
