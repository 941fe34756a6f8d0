using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ServerlessMl.Telemetry;

/// <summary>
/// The names an exporter subscribes to: one <see cref="ActivitySource"/> for traces and one
/// <see cref="Meter"/> for metrics, both called <see cref="Name"/>. Register them with
/// OpenTelemetry (<c>AddSource(ServerlessMlTelemetry.Name)</c>, <c>AddMeter(ServerlessMlTelemetry.Name)</c>);
/// with nothing listening, every span and measurement costs a null check.
/// </summary>
internal static class ServerlessMlTelemetry
{
    public const string Name = "ServerlessMl";

    internal static readonly ActivitySource Source = new(Name, typeof(ServerlessMlTelemetry).Assembly.GetName().Version?.ToString(3));

    /// <summary>Starts a span named <paramref name="name"/> under the current one, tagged with the model; null when nothing listens.</summary>
    internal static Activity? Start(string name, string model, ActivityKind kind = ActivityKind.Internal)
    {
        var activity = Source.StartActivity(name, kind);
        activity?.SetTag(Tags.Model, model);
        return activity;
    }

    /// <summary>Tag names, shared by spans and metrics.</summary>
    public static class Tags
    {
        public const string Model = "serverlessml.model";
        public const string Version = "serverlessml.version";
        public const string Outcome = "serverlessml.outcome";
        public const string Cause = "serverlessml.cause";
        public const string Step = "serverlessml.step";
        public const string Trigger = "serverlessml.trigger";
        public const string StatusCode = "http.response.status_code";
        public const string Role = "serverlessml.role";
        public const string Metric = "serverlessml.metric";
        public const string RequestId = "serverlessml.request_id";
    }
}

/// <summary>
/// The app's own instruments, from the host's <see cref="IMeterFactory"/> (so each host, and each
/// test, has its own). Names follow the OpenTelemetry conventions: dotted, lower case, unit apart.
/// </summary>
internal sealed class ServerlessMlMetrics
{
    public ServerlessMlMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(ServerlessMlTelemetry.Name, typeof(ServerlessMlMetrics).Assembly.GetName().Version?.ToString(3));
        Predictions = meter.CreateCounter<long>("serverlessml.predictions", "{prediction}", "Items answered (200) or requests refused, by model, version and HTTP status.");
        PredictionDuration = meter.CreateHistogram<double>(
            "serverlessml.prediction.duration",
            "s",
            "Time to answer a predict request, body read to response, by model and HTTP status.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        BatchSize = meter.CreateHistogram<int>(
            "serverlessml.prediction.batch_size",
            "{item}",
            "Items in one predict request that was answered.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 25, 50, 100, 250, 1000] });
        Rentals = meter.CreateCounter<long>("serverlessml.pool.rentals", "{rental}", "Engines rented from the pool, by model.");
        EnginesCreated = meter.CreateCounter<long>("serverlessml.pool.engines_created", "{engine}", "Engines built because none was idle: each is a rental that waited for a new engine, by model and version.");
        Loads = meter.CreateCounter<long>("serverlessml.model.loads", "{load}", "Champion loads: outcome loaded, refused (with the cause) or failed.");
        Refreshes = meter.CreateCounter<long>("serverlessml.model.refreshes", "{check}", "Champion alias checks, by outcome: unchanged, changed, none, unreadable, failed.");
        StorageFailures = meter.CreateCounter<long>("serverlessml.storage.failures", "{failure}", "Storage calls that failed or timed out, by what was being done.");
        RetrainRuns = meter.CreateCounter<long>("serverlessml.retrain.runs", "{run}", "Retrain runs by model, outcome and (for failed runs) cause.");
        RetrainDuration = meter.CreateHistogram<double>(
            "serverlessml.retrain.duration",
            "s",
            "Wall time of a retrain run.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800] });
        RetrainRows = meter.CreateHistogram<long>("serverlessml.retrain.rows", "{row}", "Rows a retrain run trained on (held-out rows included).");
        meter.CreateObservableGauge("serverlessml.live.metric", () => _live?.PrimaryMetrics() ?? [], unit: null, "The primary metric on the newest live day, by model, version, role and metric.");
        meter.CreateObservableGauge("serverlessml.live.drift.worst", () => _live?.WorstDrift() ?? [], "1", "The worst drift measure on the newest live day as a share of its threshold (over 1 is drift), by model.");
        meter.CreateObservableGauge("serverlessml.live.rows", () => _live?.RowsWithTruth() ?? [], "{item}", "Items with known truth on the newest live day, by model, version and role.");
        LogItems = meter.CreateCounter<long>("serverlessml.log.items", "{item}", "Served predictions written to the prediction log, by model.");
        LogDropped = meter.CreateCounter<long>("serverlessml.log.dropped", "{item}", "Sampled predictions not written to the prediction log, by model and cause: queue_full or storage.");
    }

    // Set once the live results' holder exists; until then the live gauges report nothing.
    private ILiveReadings? _live;

    public Counter<long> Predictions { get; }

    public Histogram<double> PredictionDuration { get; }

    public Histogram<int> BatchSize { get; }

    public Counter<long> Rentals { get; }

    public Counter<long> EnginesCreated { get; }

    public Counter<long> Loads { get; }

    public Counter<long> Refreshes { get; }

    public Counter<long> StorageFailures { get; }

    public Counter<long> RetrainRuns { get; }

    public Histogram<double> RetrainDuration { get; }

    public Histogram<long> RetrainRows { get; }

    public Counter<long> LogItems { get; }

    public Counter<long> LogDropped { get; }

    internal static KeyValuePair<string, object?> Tag(string name, object? value) => new(name, value);

    /// <summary>Points the live gauges at what the live results' holder knows.</summary>
    internal void ObserveLive(ILiveReadings readings) => _live = readings;
}

/// <summary>What the live gauges observe: the newest live day of each model, as whoever read it last saw it.</summary>
internal interface ILiveReadings
{
    IEnumerable<Measurement<double>> PrimaryMetrics();

    IEnumerable<Measurement<double>> WorstDrift();

    IEnumerable<Measurement<long>> RowsWithTruth();
}
