using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;
using ServerlessMl.Storage;
using ServerlessMl.Telemetry;
using Tags = ServerlessMl.Telemetry.ServerlessMlTelemetry.Tags;

namespace ServerlessMl.Training;

/// <summary>
/// One retrain run of one model: snapshot the daily files, validate, train with the newest days
/// held out, compare with the champion, gate, publish a version, and move the champion alias.
/// Host-agnostic: the timer function, the admin endpoint and the CLI all call <see cref="RunAsync"/>.
/// Whatever storage or the data do, a run ends with an outcome that says what happened; it never
/// throws for them.
/// </summary>
public sealed partial class RetrainJob
{
    private readonly ModelCatalog catalog;
    private readonly ModelRegistry registry;
    private readonly TrainingDataSource data;
    private readonly StorageOptions storage;
    private readonly ServerlessMlMetrics metrics;
    private readonly TimeProvider time;
    private readonly ILogger<RetrainJob> logger;

    internal RetrainJob(ModelCatalog catalog, ModelRegistry registry, ChampionPromoter promoter, TrainingDataSource data, StorageOptions storage, IOptions<TrainingOptions> options, IOptions<ModelSettingsMap> modelSettings, ServerlessMlMetrics metrics, TimeProvider time, ILogger<RetrainJob> logger)
    {
        this.logger = logger;
        this.catalog = catalog;
        this.registry = registry;
        this.data = data;
        this.storage = storage;
        this.metrics = metrics;
        this.time = time;
        _options = options.Value;
        _modelSettings = modelSettings.Value;
        _comparer = new(registry, options.Value.ComparisonDays);
        _publisher = new(registry, promoter, options.Value.RefitOnAllData);
    }

    private readonly TrainingOptions _options;
    private readonly ModelSettingsMap _modelSettings;
    private readonly ChampionComparer _comparer;
    private readonly CandidatePublisher _publisher;

    /// <summary>The names of the models this job retrains: every registered model.</summary>
    public IReadOnlyCollection<string> Models => catalog.Names;

    /// <exception cref="KeyNotFoundException">The model is not in the catalog.</exception>
    public async Task<RetrainOutcome> RunAsync(string modelName, string trigger, CancellationToken cancellationToken)
    {
        var definition = catalog.Get(modelName);
        using var span = ServerlessMlTelemetry.Start("retrain", definition.Name);
        span?.SetTag(Tags.Trigger, trigger);
        using var run = new RetrainRun(definition, trigger, span);
        var clock = Stopwatch.StartNew();
        LogStarted(run.Model, trigger);
        try
        {
            return Finish(await RunStepsAsync(run, cancellationToken), clock, run);
        }
        catch (Exception ex) when (ex is DataValidationException or DataChangedException)
        {
            return Finish(run.Failed(ex is DataValidationException ? RetrainFailure.Data : RetrainFailure.DataChanged, ex.Message), clock, run);
        }
        catch (RegistryConflictException ex)
        {
            return Finish(run.Failed(RetrainFailure.Conflict, ex.Message), clock, run);
        }
        catch (Exception ex) when (StorageFailure.Is(ex) && !cancellationToken.IsCancellationRequested)
        {
            LogStorageFailed(run.Model, run.Step, ex.Message);
            metrics.StorageFailures.Add(
                1,
                new KeyValuePair<string, object?>(Tags.Model, run.Model),
                new KeyValuePair<string, object?>(Tags.Step, run.Step),
                new KeyValuePair<string, object?>(Tags.Cause, StorageFailure.Reason(ex)));
            return Finish(run.Failed(RetrainFailure.Storage, $"{StorageFailure.Reason(ex)} while the run was at step '{run.Step}'"), clock, run);
        }
        catch (Exception ex) when (run.InTrainer && ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // ML.NET reports data it cannot fit (weights gone non-finite, a column it cannot
            // featurize) as argument or operation exceptions: the data's fault, not a crash.
            LogTrainerFailed(run.Model, run.Step, ex);
            return Finish(run.Failed(RetrainFailure.Training, $"the trainer failed at step '{run.Step}': {ex.GetType().Name}: {ex.Message}"), clock, run);
        }
    }

    /// <summary>The README's steps up to the snapshot: a run with nothing new to decide ends there.</summary>
    private async Task<RetrainOutcome> RunStepsAsync(RetrainRun run, CancellationToken cancellationToken)
    {
        run.Enter("reach storage");
        using (var deadline = storage.Deadline(cancellationToken))
        {
            // The first contact is bounded tightly: a hung storage account fails the run in
            // seconds instead of holding a caller through the SDK's retries.
            await registry.EnsureContainerAsync(deadline.Token);
        }

        run.Enter("take the lease");
        await using var lease = await registry.TryAcquireRetrainLeaseAsync(run.Model, $"{Environment.MachineName}, {run.Trigger}", cancellationToken);
        if (lease is null)
        {
            return await BusyAsync(run, cancellationToken);
        }

        run.Enter("read the champion");
        run.Champion = await _comparer.ReadAsync(run.Model, cancellationToken);

        run.Enter("snapshot the data");
        var listing = await data.ListAsync(run.Model, cancellationToken);
        if (listing.Count == 0)
        {
            return run.Skipped($"no daily files under {data.Container.Name}/{run.Model}/");
        }

        var latest = await registry.GetLatestVersionAsync(run.Model, cancellationToken);
        var last = LastDecision.Of(latest, listing, run.Definition, Thresholds(run.Definition), run.Champion.Alias, run.Model);
        return last.Skip is { } skipped
            ? run.Skipped(skipped)
            : await TrainAndDecideAsync(run, listing, last.JudgedAgain, cancellationToken);
    }

    /// <summary>The README's steps from the download on: train, compare, gate, publish, promote.</summary>
    private async Task<RetrainOutcome> TrainAndDecideAsync(RetrainRun run, IReadOnlyList<DataListing> listing, string? judgedAgain, CancellationToken cancellationToken)
    {
        run.Enter("download and validate");
        using var scratch = new ScratchFolder();
        var trainer = new ModelTrainer(run.Definition, OptionsFor(run.Definition), time);
        var files = trainer.Validate(await data.DownloadAsync(listing, scratch.Path, cancellationToken));
        run.TrainingRows = files.Sum(f => f.Rows - f.DroppedRows);

        run.Enter("train and evaluate");
        run.InTrainer = true;
        var holdout = trainer.TrainOnHoldoutSplit(files);

        run.Enter("compare with the champion");
        var judged = await _comparer.CompareAsync(run.Champion, run.Definition, trainer, files, holdout, cancellationToken);
        var gate = QualityGate.Decide(holdout.Metrics, judged.Comparison, Thresholds(run.Definition), judged.Note);
        var published = await _publisher.PublishAsync(run, trainer, files, holdout, judged.Comparison, gate, cancellationToken);

        var promoted = false;
        if (gate.Passed)
        {
            if (await _publisher.PromoteAsync(run, published, cancellationToken) is { } lostRace)
            {
                return lostRace;
            }

            promoted = true;
        }

        run.Enter("retention");
        await ApplyRetentionAsync(run.Model, cancellationToken);
        return new RetrainOutcome
        {
            Model = run.Model,
            Status = promoted ? RetrainStatus.Promoted : RetrainStatus.Rejected,
            Version = published.Version,
            Champion = promoted ? published.Version : run.Champion.Alias?.Version,
            Reasons = judgedAgain is null ? gate.Reasons : [judgedAgain, .. gate.Reasons],
            Metrics = holdout.Metrics,
            Comparison = judged.Comparison,
        };
    }

    private async Task<RetrainOutcome> BusyAsync(RetrainRun run, CancellationToken cancellationToken)
    {
        var holder = await registry.DescribeRetrainLeaseAsync(run.Model, cancellationToken);
        var when = holder is null
            ? $"if that run died, its lease clears within {RetrainLease.Duration.TotalSeconds:F0} s"
            : string.Create(CultureInfo.InvariantCulture, $"it is held by {holder.Holder}, last renewed {holder.RenewedUtc:u}; if that run died, the lease clears by {holder.ClearsByUtc:u}");
        return new RetrainOutcome
        {
            Model = run.Model,
            Status = RetrainStatus.Busy,
            Reasons = [$"another retrain of this model is running; this run did nothing ({when})"],
            LeaseClearsByUtc = holder?.ClearsByUtc,
        };
    }

    /// <summary>Retention is housekeeping: its failure is logged and retried next run, never the run's outcome.</summary>
    private async Task ApplyRetentionAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            await registry.ApplyRetentionAsync(model, cancellationToken);
        }
        catch (Exception ex) when (StorageFailure.Is(ex) || ex is InvalidDataException)
        {
            LogRetentionFailed(model, ex.Message);
        }
    }

    private GateThresholds Thresholds(IModelDefinition definition) => _modelSettings.GateFor(definition);

    /// <summary>The global training settings with this model's own in their place.</summary>
    private TrainingOptions OptionsFor(IModelDefinition definition) => new()
    {
        HoldoutDays = _modelSettings.For(definition.Name).HoldoutDays ?? _options.HoldoutDays,
        MinTrainingDays = _options.MinTrainingDays,
        RefitOnAllData = _options.RefitOnAllData,
        MaxFileBytes = _options.MaxFileBytes,
    };

    private RetrainOutcome Finish(RetrainOutcome outcome, Stopwatch clock, RetrainRun run)
    {
        var done = outcome with { DurationSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2) };
        run.Finished(done);
        var model = new KeyValuePair<string, object?>(Tags.Model, done.Model);
        var status = new KeyValuePair<string, object?>(Tags.Outcome, done.Status.ToString().ToLowerInvariant());
        metrics.RetrainRuns.Add(1, model, status, new KeyValuePair<string, object?>(Tags.Cause, done.Failure?.ToString().ToLowerInvariant()));
        metrics.RetrainDuration.Record(clock.Elapsed.TotalSeconds, model, status);
        if (run.TrainingRows > 0)
        {
            metrics.RetrainRows.Record(run.TrainingRows, model);
        }

        if (done.Status == RetrainStatus.Failed)
        {
            LogFailed(done.Model, done.Describe());
        }
        else
        {
            LogFinished(done.Model, done.Status, done.Version, done.Champion, done.Describe());
        }

        return done;
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Retrain of {Model} started ({Trigger})")]
    private partial void LogStarted(string model, string trigger);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Retrain of {Model}: {Status}, version {Version}, champion {Champion}: {Reasons}")]
    private partial void LogFinished(string model, RetrainStatus status, string? version, string? champion, string reasons);

    [LoggerMessage(EventId = 302, Level = LogLevel.Error, Message = "Retrain of {Model} failed: {Reasons}")]
    private partial void LogFailed(string model, string reasons);

    [LoggerMessage(EventId = 303, Level = LogLevel.Error, Message = "Retrain of {Model}: model storage failed at step '{Step}': {Reason}")]
    private partial void LogStorageFailed(string model, string step, string reason);

    [LoggerMessage(EventId = 305, Level = LogLevel.Error, Message = "Retrain of {Model}: the trainer failed at step '{Step}'")]
    private partial void LogTrainerFailed(string model, string step, Exception exception);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Retrain of {Model}: retention failed ({Reason}); it runs again after the next publish")]
    private partial void LogRetentionFailed(string model, string reason);
}
