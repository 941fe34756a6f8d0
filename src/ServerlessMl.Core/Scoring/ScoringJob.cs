using System.Diagnostics;
using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;
using ServerlessMl.Storage;
using ServerlessMl.Telemetry;

namespace ServerlessMl.Scoring;

/// <summary>
/// The precompute job: scores every scoring drop the champion has not scored into the predictions
/// table. One run pins one champion version from start to end; a drop is scored again when its
/// ETag changes, or when a new champion arrives and the drop is recent (<c>Scoring__RescoreDays</c>).
/// A run stops at <c>Scoring__MaxRunMinutes</c> and the next one resumes where its record says.
/// </summary>
public sealed partial class ScoringJob
{
    private readonly ModelCatalog _catalog;
    private readonly ModelRegistry _registry;
    private readonly ModelLoader _loader;
    private readonly ScoringStore _store;
    private readonly PredictionTable _table;
    private readonly ScoringOptions _options;
    private readonly StorageOptions _storage;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, IBatchScorer> _scorers;

    internal ScoringJob(ModelCatalog catalog, ModelRegistry registry, ModelLoader loader, ScoringStore store, PredictionTable table, IOptions<ScoringOptions> options, StorageOptions storage, TimeProvider time, ILogger<ScoringJob> logger)
    {
        _catalog = catalog;
        _registry = registry;
        _loader = loader;
        _store = store;
        _table = table;
        _options = options.Value;
        _storage = storage;
        _time = time;
        _logger = logger;
        _scorers = catalog.All
            .Select(d => (d.Name, Scorer: BatchScorerFactory.For(d)))
            .Where(s => s.Scorer is not null)
            .ToDictionary(s => s.Name, s => s.Scorer!, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The models that can be precomputed (their definitions implement <see cref="IPrecomputed{TInput, TFeatures}"/>).</summary>
    internal IReadOnlyCollection<string> Models => _scorers.Keys;

    internal bool Precomputes(string model) => _scorers.ContainsKey(model);

    internal IBatchScorer ScorerOf(string model) => _scorers[model];

    /// <summary>Runs the job for every model that precomputes; throws naming those whose run failed, after trying them all.</summary>
    public async Task RunAllAsync(string trigger, CancellationToken cancellationToken)
    {
        var failed = new List<string>();
        foreach (var model in Models)
        {
            var run = await RunAsync(model, trigger, cancellationToken);
            if (run.Status == ScoringStatus.Failed)
            {
                failed.Add($"{model}: {string.Join(" ", run.Reasons)}");
            }
        }

        if (failed.Count > 0)
        {
            throw new InvalidOperationException("Scoring failed for " + string.Join("; ", failed));
        }
    }

    /// <exception cref="KeyNotFoundException">The model does not precompute.</exception>
    internal async Task<ScoringRun> RunAsync(string model, string trigger, CancellationToken cancellationToken)
    {
        var definition = _catalog.Get(model);
        var scorer = _scorers[definition.Name];
        var run = new ScoringRun { Id = ScoringStore.NewRunId(_time.GetUtcNow()), Model = definition.Name, Trigger = trigger, StartedUtc = _time.GetUtcNow() };
        var clock = Stopwatch.StartNew();
        using var span = ServerlessMlTelemetry.Start("score", definition.Name);
        span?.SetTag(ServerlessMlTelemetry.Tags.Trigger, trigger);
        var step = "champion";
        try
        {
            // The champion first: without one there is nothing to score, and no registry folder to lease in.
            step = "champion";
            if (await _registry.GetChampionAsync(definition.Name, cancellationToken) is not { } champion)
            {
                return End(run, ScoringStatus.Failed, "the model has no champion yet: train one first", clock);
            }

            step = "lease";
            await using var lease = await _store.TryAcquireLeaseAsync(definition.Name, $"{Environment.MachineName} ({trigger})", cancellationToken);
            if (lease is null)
            {
                return End(run, ScoringStatus.Busy, "another scoring run of this model is in progress; it will score what is due", clock);
            }

            run.Version = champion.Alias.Version;
            var loaded = await _loader.LoadAsync(definition, champion.Alias.Version, cancellationToken);
            step = "drops";
            var drops = await _store.ListDropsAsync(definition.Name, scorer.Format.Extension, cancellationToken);
            var (ledger, ledgerETag) = await _store.ReadLedgerAsync(definition.Name, cancellationToken);
            var due = DueDrops(drops, ledger, run.Version);
            if (due.Count == 0)
            {
                return End(run, ScoringStatus.UpToDate, null, clock);
            }

            step = "table";
            await CreateTableAsync(cancellationToken);
            var scoring = new DropScoring(run, scorer, loaded.Transformer, _table, _options, _time);
            var record = new RunRecorder(_store, ledger, ledgerETag, run, _time);
            step = "scoring";
            try
            {
                await ScoreDropsAsync(due, scoring, record, clock, cancellationToken);
                End(run, run.Status, null, clock);
            }
            catch (Exception ex) when (StorageFailure.Is(ex))
            {
                Failed(run, ex, step, clock, cancellationToken);
            }

            return await record.FinishAsync(_storage);
        }
        catch (ModelRefusedException ex)
        {
            return End(run, ScoringStatus.Failed, $"the champion cannot be loaded: {ex.Message}", clock);
        }
        catch (Exception ex) when (StorageFailure.Is(ex) || ex is RegistryConflictException)
        {
            return Failed(run, ex, step, clock, cancellationToken);
        }
    }

    private ScoringRun Failed(ScoringRun run, Exception ex, string step, Stopwatch clock, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return End(run, ScoringStatus.Stopped, "the host stopped the run; the next run goes on from the last stored chunk", clock);
        }

        LogStorageFailed(run.Model, step, ex.Message);
        run.StorageFailed = true;
        return End(run, ScoringStatus.Failed, $"{StorageFailure.Reason(ex)} ({step}); the next run goes on from the last stored chunk", clock);
    }

    /// <summary>The drops to score now, each with the row to start after.</summary>
    private List<(ScoringDrop Drop, long StartRow)> DueDrops(IReadOnlyList<ScoringDrop> drops, ScoringLedger ledger, string version)
    {
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        var due = new List<(ScoringDrop, long)>();
        foreach (var drop in drops)
        {
            if (!ledger.Drops.TryGetValue(drop.Blob, out var state) || state.ETag != drop.ETag)
            {
                due.Add((drop, 0));
            }
            else if (state.Version == version || drop.Day < today.AddDays(-_options.RescoreDays) || state.Problem is not null)
            {
                // This champion's, or too old to rescore, or unreadable until it changes: finish it if it was cut short.
                if (!state.Complete)
                {
                    due.Add((drop, state.Rows));
                }
            }
            else
            {
                due.Add((drop, 0));
            }
        }

        return due;
    }

    private async Task ScoreDropsAsync(List<(ScoringDrop Drop, long StartRow)> due, DropScoring scoring, RunRecorder record, Stopwatch clock, CancellationToken cancellationToken)
    {
        bool Stop() => clock.Elapsed >= _options.MaxRunTime || cancellationToken.IsCancellationRequested;
        using var scratch = new ScratchFolder();
        Directory.CreateDirectory(scratch.Path);
        foreach (var (drop, startRow) in due)
        {
            if (Stop())
            {
                record.Run.Status = ScoringStatus.Stopped;
                record.Run.Reasons.Add("the run's time ran out (Scoring__MaxRunMinutes); the next run goes on from here");
                return;
            }

            using var span = ServerlessMlTelemetry.Start("score-drop", record.Run.Model);
            var result = new DropResult { Blob = drop.Blob, ETag = drop.ETag, StartRow = startRow, EndRow = startRow };
            record.Run.Drops.Add(result);
            var localPath = Path.Combine(scratch.Path, Guid.NewGuid().ToString("N"));
            if (!await _store.TryDownloadAsync(drop, localPath, cancellationToken))
            {
                result.Problem = "the drop changed or vanished since it was listed; the next run scores it as it is then";
                continue;
            }

            try
            {
                await scoring.ScoreAsync(result, localPath, drop.Day, Stop, () => record.CheckpointAsync(result, cancellationToken), cancellationToken);
                record.Track(result);
            }
            catch (DataValidationException ex)
            {
                result.Problem = $"the drop cannot be read: {ex.Message}";
                record.Track(result, unreadable: true);
                LogUnreadable(record.Run.Model, drop.Blob, ex.Message);
            }
            catch
            {
                record.Track(result);
                throw;
            }
            finally
            {
                File.Delete(localPath);
            }

            if (!result.Complete && result.Problem is null)
            {
                record.Run.Status = ScoringStatus.Stopped;
                record.Run.Reasons.Add($"stopped in {drop.Blob} after row {result.EndRow}; the next run goes on from there");
                return;
            }
        }
    }

    private async Task CreateTableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 403)
        {
            // In Azure the app may write rows but not create tables: the deployment creates it.
        }
    }

    private ScoringRun End(ScoringRun run, ScoringStatus status, string? reason, Stopwatch clock)
    {
        run.Status = status;
        if (reason is not null)
        {
            run.Reasons.Add(reason);
        }

        run.FinishedUtc = _time.GetUtcNow();
        run.DurationSeconds = Math.Round(clock.Elapsed.TotalSeconds, 3);
        LogFinished(run.Model, run.Status, run.Version, run.RowsScored, run.RowsRefused, run.Drops.Count, run.DurationSeconds.Value, string.Join(" ", run.Reasons));
        return run;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scoring {Model}: {Status}, version {Version}, {Scored} rows scored, {Refused} refused, {Drops} drops, {Seconds} s. {Reasons}")]
    private partial void LogFinished(string model, ScoringStatus status, string? version, long scored, long refused, int drops, double seconds, string reasons);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scoring {Model}: storage failed during {Step}: {Problem}")]
    private partial void LogStorageFailed(string model, string step, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scoring {Model}: {Blob} cannot be read and is skipped until it changes: {Problem}")]
    private partial void LogUnreadable(string model, string blob, string problem);
}
