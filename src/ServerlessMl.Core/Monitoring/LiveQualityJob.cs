using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;
using ServerlessMl.Storage;

namespace ServerlessMl.Monitoring;

/// <summary>
/// The live quality job: for each model and each UTC day of the lookback window, joins the logged
/// predictions with the truth that has arrived since (feedback, the model's own data drops), and
/// writes the day's live metrics per version, the champion-challenger comparison and drift against
/// the champion's training data. Each run recomputes the whole window, so later truth is counted.
/// One run per model at a time; the versions' own folders are never written.
/// </summary>
public sealed partial class LiveQualityJob
{
    private readonly ModelCatalog _catalog;
    private readonly ModelRegistry _registry;
    private readonly LiveStore _store;
    private readonly BlobContainerClient _models;
    private readonly BlobContainerClient _log;
    private readonly BlobContainerClient _feedback;
    private readonly TruthSource _truth;
    private readonly BaselineStore _baselines;
    private readonly MonitoringOptions _options;
    private readonly ModelSettingsMap _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    internal LiveQualityJob(ModelCatalog catalog, ModelRegistry registry, LiveStore store, BlobServiceClient blobs, StorageOptions storage, IOptions<MonitoringOptions> options, IOptions<ModelSettingsMap> settings, TimeProvider time, ILogger<LiveQualityJob> logger)
    {
        _catalog = catalog;
        _registry = registry;
        _store = store;
        _options = options.Value;
        _settings = settings.Value;
        _time = time;
        _logger = logger;
        _models = blobs.GetBlobContainerClient(storage.ModelsContainer);
        _log = blobs.GetBlobContainerClient(_options.LogContainer);
        _feedback = blobs.GetBlobContainerClient(_options.FeedbackContainer);
        var training = blobs.GetBlobContainerClient(storage.TrainingContainer);
        _truth = new TruthSource(training, logger);
        _baselines = new BaselineStore(_models, training);
    }

    /// <summary>
    /// Runs the job for every model; throws naming those whose run failed, after trying them all. A
    /// model without a champion is passed over, not failed: an untrained model would otherwise fail every run.
    /// </summary>
    public async Task RunAllAsync(string trigger, CancellationToken cancellationToken)
    {
        var failed = new List<string>();
        foreach (var model in _catalog.Names)
        {
            try
            {
                var run = await RunAsync(model, trigger, null, cancellationToken);
                if (run.Status == LiveRunStatus.Failed)
                {
                    failed.Add($"{model}: {string.Join(" ", run.Reasons)}");
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One model's fault (its own code, data the checks did not foresee) must not keep the others from being judged.
                LogRunFailed(model, ex);
                failed.Add($"{model}: {ex.Message}");
            }
        }

        if (failed.Count > 0)
        {
            throw new InvalidOperationException("Live quality failed for " + string.Join("; ", failed));
        }
    }

    /// <param name="days">The newest days to recompute, today included (default: <see cref="MonitoringOptions.LookbackDays"/>).</param>
    /// <exception cref="KeyNotFoundException">The model is not registered.</exception>
    internal async Task<LiveRun> RunAsync(string model, string trigger, int? days, CancellationToken cancellationToken)
    {
        var definition = _catalog.Get(model);
        var step = "champion";
        try
        {
            if (await _registry.GetChampionAsync(definition.Name, cancellationToken) is null)
            {
                return End(definition.Name, LiveRunStatus.NoChampion, [], "the model has no champion yet: nothing has been served to judge");
            }

            step = "lease";
            await using var lease = await RetrainLease.TryAcquireAsync(
                _models.GetBlobClient($"{LogBlobNames.LivePrefix(definition.Name)}run.lock"), $"{Environment.MachineName} ({trigger})", _logger, cancellationToken);
            if (lease is null)
            {
                return End(definition.Name, LiveRunStatus.Busy, [], "another live quality run of this model is in progress; it writes the same days");
            }

            step = "reading";
            var computed = await ComputeAsync(definition, days ?? _options.LookbackDays, cancellationToken);

            // Every day is computed before the first is written: a failure while reading leaves the
            // days as the last whole run wrote them.
            step = "writing";
            foreach (var day in computed)
            {
                await _store.WriteAsync(definition.Name, day, cancellationToken);
            }

            return End(definition.Name, LiveRunStatus.Completed, computed, null);
        }
        catch (Exception ex) when (StorageFailure.Is(ex))
        {
            LogStorageFailed(definition.Name, step, ex.Message);
            var reason = cancellationToken.IsCancellationRequested ? "the host stopped the run" : StorageFailure.Reason(ex);
            return End(definition.Name, LiveRunStatus.Failed, [], $"{reason} ({step}); the days keep what the last whole run wrote");
        }
    }

    private async Task<IReadOnlyList<LiveDay>> ComputeAsync(IModelDefinition definition, int days, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var window = Enumerable.Range(0, days).Select(i => today.AddDays(i - days + 1)).ToList();
        var logged = new List<LogDay<LoggedPrediction>>();
        var feedback = new List<FeedbackRecord>();
        foreach (var day in window)
        {
            logged.Add(await LogReader.ReadDayAsync<LoggedPrediction>(_log, definition.Name, day, IsWhole, cancellationToken));
            feedback.AddRange((await LogReader.ReadDayAsync<FeedbackRecord>(_feedback, definition.Name, day, IsWhole, cancellationToken)).Records);
        }

        var since = new DateTimeOffset(window[0].AddDays(-_options.LookbackDays).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var truths = await _truth.ReadAsync(definition, since, today, cancellationToken);
        var settings = _options.For(_settings, definition.Name);
        var metrics = new LiveMetricsCalculator(definition, _settings.GateFor(definition), settings.MinRows);
        var baselines = new Dictionary<string, DriftBaseline?>(StringComparer.Ordinal);
        var result = new List<LiveDay>();
        foreach (var day in LiveJoin.Join(logged, feedback, truths))
        {
            if (day.Items.Count == 0 && day.Feedback.Received == 0 && day.DamagedLines == 0)
            {
                continue;
            }

            if (day.DamagedLines > 0)
            {
                LogDamagedLines(definition.Name, day.Day, day.DamagedLines);
            }

            var drift = day.Items.Count == 0 ? null : await DriftAsync(definition, day, settings, baselines, cancellationToken);
            result.Add(new LiveDay(day.Day, now, day.Items.Count, metrics.Versions(day.Items), metrics.Compare(day.Items), drift, day.Feedback, day.DamagedLines));
        }

        return result;
    }

    /// <summary>The day's drift against the training data of the champion that answered most of its items.</summary>
    private async Task<LiveDrift?> DriftAsync(IModelDefinition definition, JoinedDay day, ModelMonitoring settings, Dictionary<string, DriftBaseline?> baselines, CancellationToken cancellationToken)
    {
        var version = LiveMetricsCalculator.MostCommon(day.Items.Select(i => i.Logged.Version));
        if (!baselines.TryGetValue(version, out var baseline))
        {
            baseline = await BaselineAsync(definition, version, cancellationToken);
            baselines[version] = baseline;
        }

        return baseline is null ? null : new DriftCalculator(baseline, settings).Measure([.. day.Items.Select(i => i.Logged)]);
    }

    private async Task<DriftBaseline?> BaselineAsync(IModelDefinition definition, string version, CancellationToken cancellationToken)
    {
        ModelManifest? manifest;
        try
        {
            manifest = await _registry.GetManifestAsync(definition.Name, version, cancellationToken);
        }
        catch (System.Text.Json.JsonException ex)
        {
            LogNoBaseline(definition.Name, version, $"its manifest cannot be read: {ex.Message}");
            return null;
        }

        if (manifest is null)
        {
            LogNoBaseline(definition.Name, version, "the version is not in the registry");
            return null;
        }

        var (baseline, problem) = await _baselines.GetAsync(definition, manifest, cancellationToken);
        if (problem is not null)
        {
            LogNoBaseline(definition.Name, version, problem);
        }

        return baseline;
    }

    private static bool IsWhole(LoggedPrediction p) =>
        !string.IsNullOrEmpty(p.RequestId) && !string.IsNullOrEmpty(p.Version) && p.Features is not null && double.IsFinite(p.Score)
        && (p.Challenger is null || (!string.IsNullOrEmpty(p.Challenger.Version) && double.IsFinite(p.Challenger.Score)));

    private static bool IsWhole(FeedbackRecord f) => !string.IsNullOrEmpty(f.RequestId) && double.IsFinite(f.Actual);

    private LiveRun End(string model, LiveRunStatus status, IReadOnlyList<LiveDay> days, string? reason)
    {
        LogFinished(model, status, days.Count, days.Sum(d => d.Logged), reason ?? string.Empty);
        return new LiveRun(model, status, days, reason is null ? [] : [reason]);
    }

    [LoggerMessage(EventId = 861, Level = LogLevel.Information, Message = "Live quality {Model}: {Status}, {Days} day(s), {Logged} logged items. {Reason}")]
    private partial void LogFinished(string model, LiveRunStatus status, int days, long logged, string reason);

    [LoggerMessage(EventId = 862, Level = LogLevel.Warning, Message = "Live quality {Model}: storage failed during {Step}: {Problem}")]
    private partial void LogStorageFailed(string model, string step, string problem);

    [LoggerMessage(EventId = 863, Level = LogLevel.Warning, Message = "Live quality {Model}: {Lines} damaged line(s) in the prediction log of {Day} were skipped")]
    private partial void LogDamagedLines(string model, DateOnly day, long lines);

    [LoggerMessage(EventId = 865, Level = LogLevel.Error, Message = "Live quality {Model}: the run failed")]
    private partial void LogRunFailed(string model, Exception exception);

    [LoggerMessage(EventId = 864, Level = LogLevel.Warning, Message = "Live quality {Model}: no drift baseline for version {Version}: {Problem}")]
    private partial void LogNoBaseline(string model, string version, string problem);
}
