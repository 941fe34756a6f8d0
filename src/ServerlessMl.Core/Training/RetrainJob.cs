using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML;
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
public sealed partial class RetrainJob(
    ModelCatalog catalog,
    ModelRegistry registry,
    TrainingDataSource data,
    StorageOptions storage,
    IOptions<TrainingOptions> options,
    IOptions<ModelSettingsMap> modelSettings,
    ServerlessMlMetrics metrics,
    TimeProvider time,
    ILogger<RetrainJob> logger)
{
    private readonly TrainingOptions _options = options.Value;
    private readonly ModelSettingsMap _modelSettings = modelSettings.Value;

    /// <exception cref="KeyNotFoundException">The model is not in the catalog.</exception>
    public async Task<RetrainOutcome> RunAsync(string modelName, string trigger, CancellationToken cancellationToken)
    {
        var definition = catalog.Get(modelName);
        using var span = ServerlessMlTelemetry.Start("retrain", definition.Name);
        span?.SetTag(Tags.Trigger, trigger);
        using var run = new Run(definition, trigger, span);
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

    /// <summary>The README's steps, in order.</summary>
    private async Task<RetrainOutcome> RunStepsAsync(Run run, CancellationToken cancellationToken)
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
        await ReadChampionAsync(run, cancellationToken);

        run.Enter("snapshot the data");
        var listing = await data.ListAsync(run.Model, cancellationToken);
        if (listing.Count == 0)
        {
            return run.Skipped($"no daily files under {data.Container.Name}/{run.Model}/");
        }

        if (await NothingNewAsync(run, listing, cancellationToken) is { } skipped)
        {
            return skipped;
        }

        run.Enter("download and validate");
        using var scratch = new ScratchFolder();
        var trainer = new ModelTrainer(run.Definition, OptionsFor(run.Definition), time);
        var files = trainer.Validate(await data.DownloadAsync(listing, scratch.Path, cancellationToken));
        run.TrainingRows = files.Sum(f => f.Rows);

        run.Enter("train and evaluate");
        run.InTrainer = true;
        var holdout = trainer.TrainOnHoldoutSplit(files);

        run.Enter("compare with the champion");
        var comparison = await CompareWithChampionAsync(run, trainer, files, holdout, cancellationToken);
        var gate = QualityGate.Decide(holdout.Metrics, comparison, Thresholds(run.Definition), run.ComparisonNote);

        run.Enter("refit and save");
        var (zip, refit) = SaveCandidate(trainer, files, holdout, gate);
        run.InTrainer = false;

        run.Enter("publish");
        var version = await PublishAsync(run, files, holdout, comparison, gate, zip, refit, cancellationToken);

        var status = RetrainStatus.Rejected;
        var reasons = gate.Reasons.ToList();
        var champion = run.Champion?.Version;
        if (gate.Passed)
        {
            run.Enter("promote");
            try
            {
                await registry.PromoteAsync(run.Model, version, $"retrain ({run.Trigger}) passed the gate", new ExpectedChampion(run.ChampionTag), cancellationToken);
                status = RetrainStatus.Promoted;
                champion = version;
            }
            catch (RegistryConflictException)
            {
                return await LostRaceAsync(run, version, cancellationToken);
            }
        }

        run.Enter("retention");
        await ApplyRetentionAsync(run.Model, cancellationToken);
        return new RetrainOutcome
        {
            Model = run.Model,
            Status = status,
            Version = version,
            Champion = champion,
            Reasons = reasons,
            Metrics = holdout.Metrics,
            Comparison = comparison,
        };
    }

    private async Task<RetrainOutcome> BusyAsync(Run run, CancellationToken cancellationToken)
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

    /// <summary>
    /// The outcome when the champion moved between this run's read and its promotion: the stored
    /// version is named for promotion by hand, and the champion is the one that moved in, as far
    /// as storage still says.
    /// </summary>
    private async Task<RetrainOutcome> LostRaceAsync(Run run, string version, CancellationToken cancellationToken)
    {
        string? now;
        try
        {
            now = (await registry.CheckChampionAsync(run.Model, known: null, cancellationToken)).Alias?.Version;
        }
        catch (Exception ex) when (StorageFailure.Is(ex) && !cancellationToken.IsCancellationRequested)
        {
            now = null;
        }

        var moved = now is null ? "changed (what it is now could not be read)" : $"changed to version {now}";
        var outcome = run.Failed(
            RetrainFailure.Conflict,
            $"the champion of {run.Model} {moved} while this run was deciding; version {version} was stored and passed the gate: promote it by hand if it should serve (serverless-ml models promote --model {run.Model} --version {version})") with
        {
            Version = version,
        };

        // An unreadable alias says nothing about the champion: keep what the run knew rather than answer "none".
        return now is null ? outcome : outcome with { Champion = now };
    }

    /// <summary>
    /// The champion alias and its tag (the promotion is conditional on it). A damaged alias is
    /// not the end of retraining: the floor alone judges, and a passing candidate replaces it.
    /// </summary>
    private async Task ReadChampionAsync(Run run, CancellationToken cancellationToken)
    {
        var check = await registry.CheckChampionAsync(run.Model, known: null, cancellationToken);
        run.Champion = check.Alias;
        run.ChampionTag = check.Tag;
        if (check.Result == ChampionCheckResult.Unreadable)
        {
            run.ComparisonNote = $"the champion alias {ModelRegistry.ChampionBlobName(run.Model)} is damaged: the floor alone decides, and a passing candidate replaces it";
        }
    }

    /// <summary>The outcome for a snapshot the newest version was already trained on, or null.</summary>
    private async Task<RetrainOutcome?> NothingNewAsync(Run run, IReadOnlyList<DataListing> listing, CancellationToken cancellationToken)
    {
        var latest = await registry.GetLatestVersionAsync(run.Model, cancellationToken);
        if (latest is null || !latest.Data.SameBlobsAs([.. listing.Select(f => new DataBlob(f.Name, f.ETag, f.Day, 0, string.Empty))]))
        {
            return null;
        }

        var what = latest.Version == run.Champion?.Version ? "it is the champion"
            : !latest.Gate.Passed ? "the gate rejected it"
            : run.Champion is null ? $"it passed the gate, but no champion is set: promote it (serverless-ml models promote --model {run.Model} --version {latest.Version})"
            : $"it passed the gate but version {run.Champion.Version} is the champion";
        return run.Skipped($"no new data since version {latest.Version} was trained ({what})");
    }

    /// <summary>The model to publish, as zip bytes: refit on every day if it passed and refitting is on.</summary>
    private (MemoryStream Zip, bool Refit) SaveCandidate(ModelTrainer trainer, IReadOnlyList<DataFile> files, HoldoutResult holdout, GateDecision gate)
    {
        var refit = gate.Passed && _options.RefitOnAllData;
        var published = refit ? trainer.Fit(files) : holdout.Model;
        var zip = new MemoryStream();
        trainer.Save(published, zip, files);
        return (zip, refit);
    }

    private async Task<string> PublishAsync(
        Run run, IReadOnlyList<DataFile> files, HoldoutResult holdout, ChampionComparison? comparison, GateDecision gate, MemoryStream zip, bool refit, CancellationToken cancellationToken)
    {
        using var owned = zip;
        var version = await registry.NextVersionAsync(run.Model, cancellationToken);
        var manifest = ManifestFactory.Create(run.Definition, version, holdout, comparison, gate, refit, files, zip);
        zip.Position = 0;
        await registry.PublishVersionAsync(manifest, zip, cancellationToken);
        return version;
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

    /// <summary>
    /// Compares candidate and champion only on rows the champion was not trained on (a champion
    /// judged on days it was refit on would always look better than it is); "trained on" is
    /// decided by content (sha256), so a day re-uploaded unchanged still counts as seen. Nothing is
    /// trained when the champion's own recipe and files would rebuild it (a known tie). Data with
    /// days: the newest days as single-day origins, each against the version serving then
    /// (<see cref="RecentOriginsComparison"/>); under the champion's own recipe, only the days the
    /// champion serves. Otherwise the candidate trained on every file the champion saw, scored
    /// with it on the files it did not.
    /// </summary>
    private async Task<ChampionComparison?> CompareWithChampionAsync(
        Run run, ModelTrainer trainer, IReadOnlyList<DataFile> files, HoldoutResult holdout, CancellationToken cancellationToken)
    {
        if (run.Champion is not { } champion)
        {
            run.ComparisonNote ??= "no champion yet: the floor alone decides";
            return null;
        }

        ModelManifest? manifest;
        try
        {
            manifest = await registry.GetManifestAsync(champion.Model, champion.Version, cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
            manifest = null;
        }

        if (manifest?.Defect(champion.Model, champion.Version) is not null || manifest is null)
        {
            run.ComparisonNote = $"the champion's manifest {ModelRegistry.ManifestBlobName(champion.Model, champion.Version)} is missing or damaged: the floor alone decides";
            return null;
        }

        if (manifest.InputSchemaHash != run.Definition.InputSchemaHash)
        {
            run.ComparisonNote = $"champion {champion.Version} was built for another input schema: the floor alone decides";
            return null;
        }

        // A split by rows trains on some rows of every file, so only files the champion never had are unseen.
        var byDays = run.Definition.Split is NewestDaysSplit;
        var trainedOn = TrainingLineage.TrainedOn(manifest, byDays);
        var unseen = (byDays ? holdout.HoldoutFiles : files).Where(f => !trainedOn.Contains(TrainingLineage.Key(f))).ToList();
        if (unseen.Count == 0)
        {
            run.ComparisonNote = byDays
                ? $"champion {champion.Version} was trained on every held-out day: the floor alone decides"
                : $"champion {champion.Version} has seen every data file, so no rows are new to both: the floor alone decides";
            return null;
        }

        // A damaged champion is named even when the comparison would be skipped.
        ITransformer championModel;
        try
        {
            championModel = await LoadVersionAsync(trainer, champion.Model, champion.Version, cancellationToken);
        }
        catch (Exception ex) when (Unloadable(ex))
        {
            run.ComparisonNote = $"champion {champion.Version} could not be loaded ({ex.Message}): the floor alone decides";
            return null;
        }

        var sameRecipe = TrainingLineage.SameRecipe(manifest, run.Definition);
        if (byDays)
        {
            async Task<ITransformer?> ServedAsync(string version, CancellationToken token)
            {
                try
                {
                    return version == champion.Version ? championModel : await LoadVersionAsync(trainer, champion.Model, version, token);
                }
                catch (Exception ex) when (Unloadable(ex))
                {
                    return null; // that day is left out of the comparison
                }
            }

            // An accepted recipe is not judged again against the versions before it; under the
            // champion's own recipe the question is whether the days since it make the recipe
            // worse, so only the days the champion itself serves are origins (its first new day
            // would rebuild it and is left out as a tie).
            IReadOnlyList<ModelManifest> versions = sameRecipe ? [manifest] : await registry.ListVersionsAsync(champion.Model, cancellationToken);
            if (await RecentOriginsComparison.RunAsync(trainer, run.Definition, files, versions, champion.Version, _options.ComparisonDays, ServedAsync, cancellationToken) is { } recent)
            {
                if (sameRecipe)
                {
                    run.ComparisonNote = $"champion {champion.Version} was built by this recipe: compared on the days after the first it never saw, each with the recipe refitted on every day before it";
                }

                return recent;
            }
        }

        // Trained on the files the champion had, by the recipe that built it, the comparison
        // model would be the champion again: a known tie, not worth a second fit.
        var history = files.Where(f => !unseen.Contains(f)).ToList();
        if (sameRecipe && TrainingLineage.WouldRebuild(manifest, run.Definition, history, byDays))
        {
            run.ComparisonNote = byDays
                ? $"champion {champion.Version} was built by this recipe from exactly the files a comparison model would learn from: it would tie, so none was trained; the floor alone decides until a second day the champion never saw arrives"
                : $"champion {champion.Version} was built by this recipe from exactly the files a comparison model would learn from: it would tie, so none was trained; the floor alone decides (data without days is compared after a change of recipe only)";
            return null;
        }

        var candidate = byDays && unseen.Count == holdout.HoldoutFiles.Count
            ? holdout.Model
            : trainer.Fit(history);
        return new ChampionComparison(
            champion.Version,
            ModelTrainer.Window(unseen),
            trainer.Evaluate(candidate, unseen),
            trainer.Evaluate(championModel, unseen));
    }

    private async Task<ITransformer> LoadVersionAsync(ModelTrainer trainer, string model, string version, CancellationToken cancellationToken)
    {
        var bytes = await registry.DownloadModelAsync(model, version, cancellationToken);
        using var stream = bytes.ToStream();
        return trainer.Load(stream);
    }

    private static bool Unloadable(Exception ex) => ex is VersionNotFoundException || Registry.ModelLoader.IsUnloadable(ex);

    private RetrainOutcome Finish(RetrainOutcome outcome, Stopwatch clock, Run run)
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

    /// <summary>What one run knows as it goes: which step it is at (a span each), and the champion it started from.</summary>
    private sealed class Run(IModelDefinition definition, string trigger, Activity? span) : IDisposable
    {
        private Activity? _stepSpan;

        public IModelDefinition Definition { get; } = definition;
        public string Model => Definition.Name;
        public string Trigger { get; } = trigger;
        public string Step { get; private set; } = "start";

        public long TrainingRows { get; set; }

        public void Enter(string step)
        {
            _stepSpan?.Dispose();
            Step = step;
            _stepSpan = ServerlessMlTelemetry.Start(step, Model);
        }

        /// <summary>Ends the last step's span and tags the run's own with the outcome.</summary>
        public void Finished(RetrainOutcome outcome)
        {
            if (_stepSpan is { } step && outcome.Status == RetrainStatus.Failed)
            {
                step.SetStatus(ActivityStatusCode.Error, outcome.Failure?.ToString());
            }

            _stepSpan?.Dispose();
            _stepSpan = null;
            if (span is not null)
            {
                span.SetTag(Tags.Outcome, outcome.Status.ToString().ToLowerInvariant());
                span.SetTag(Tags.Version, outcome.Version);
                span.SetTag(Tags.Cause, outcome.Failure?.ToString().ToLowerInvariant());
                if (outcome.Status == RetrainStatus.Failed)
                {
                    span.SetStatus(ActivityStatusCode.Error, string.Join("; ", outcome.Reasons));
                }
            }
        }

        public void Dispose() => _stepSpan?.Dispose();

        /// <summary>Whether the run is in the steps where ML.NET fits or scores the data.</summary>
        public bool InTrainer { get; set; }
        public ChampionAlias? Champion { get; set; }
        public ChampionTag? ChampionTag { get; set; }
        public string? ComparisonNote { get; set; }

        public RetrainOutcome Skipped(string reason) => new()
        {
            Model = Model,
            Status = RetrainStatus.Skipped,
            Champion = Champion?.Version,
            Reasons = [reason],
        };

        public RetrainOutcome Failed(RetrainFailure failure, string reason) => new()
        {
            Model = Model,
            Status = RetrainStatus.Failed,
            Failure = failure,
            Champion = Champion?.Version,

            // After a conflict the champion did change, by another hand.
            Reasons = [reason, failure == RetrainFailure.Conflict ? "this run promoted nothing" : "nothing was promoted; the champion is unchanged"],
        };
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
