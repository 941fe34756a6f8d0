using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML;
using ServerlessMl.Models;
using ServerlessMl.Registry;

namespace ServerlessMl.Training;

/// <summary>
/// One retrain run of one model: snapshot the daily files, validate, train with the newest days
/// held out, compare with the champion, gate, publish a version, and move the champion alias.
/// Host-agnostic: the timer function, the admin endpoint and the CLI all call <see cref="RunAsync"/>.
/// </summary>
public sealed partial class RetrainJob(
    ModelCatalog catalog,
    ModelRegistry registry,
    TrainingDataSource data,
    IOptions<TrainingOptions> options,
    ILogger<RetrainJob> logger)
{
    private readonly TrainingOptions _options = options.Value;

    /// <exception cref="KeyNotFoundException">The model is not in the catalog.</exception>
    public async Task<RetrainOutcome> RunAsync(string modelName, string trigger, CancellationToken cancellationToken)
    {
        var definition = catalog.Get(modelName);
        var model = definition.Name;
        var clock = Stopwatch.StartNew();
        LogStarted(model, trigger);

        await registry.EnsureContainerAsync(cancellationToken);
        await using var lease = await registry.TryAcquireRetrainLeaseAsync(model, cancellationToken);
        if (lease is null)
        {
            return Finish(new RetrainOutcome
            {
                Model = model,
                Status = RetrainStatus.Busy,
                Reasons = ["another retrain of this model is running; this run did nothing"],
            }, clock);
        }

        var champion = await registry.GetChampionAsync(model, cancellationToken);
        using var scratch = new ScratchFolder();
        try
        {
            var listing = await data.ListAsync(model, cancellationToken);
            if (listing.Count == 0)
            {
                return Finish(Skipped(model, champion, $"no daily files under {data.Container.Name}/{model}/"), clock);
            }

            var latest = await registry.GetLatestVersionAsync(model, cancellationToken);
            if (latest is not null && latest.Data.SameBlobsAs([.. listing.Select(f => new DataBlob(f.Name, f.ETag, f.Day, 0, string.Empty))]))
            {
                var what = latest.Version == champion?.Alias.Version ? "the champion" : "a rejected version";
                return Finish(Skipped(model, champion, $"no new data since version {latest.Version} ({what}) was trained"), clock);
            }

            var trainer = new ModelTrainer(definition, _options);
            var files = trainer.Validate(await data.DownloadAsync(listing, scratch.Path, cancellationToken));
            var holdout = trainer.TrainOnHoldoutSplit(files);
            var (comparison, note) = await CompareWithChampionAsync(definition, trainer, files, holdout, champion?.Alias, cancellationToken);
            var gate = QualityGate.Decide(holdout.Metrics, comparison, Thresholds(definition), note);

            var refit = gate.Passed && _options.RefitOnAllData;
            var published = refit ? trainer.Fit(files) : holdout.Model;
            using var zip = new MemoryStream();
            trainer.Save(published, zip, files);

            var version = await registry.NextVersionAsync(model, cancellationToken);
            var manifest = ManifestFactory.Create(definition, version, holdout, comparison, gate, refit, files, zip);
            zip.Position = 0;
            await registry.PublishVersionAsync(manifest, zip, cancellationToken);

            var status = RetrainStatus.Rejected;
            var reasons = gate.Reasons.ToList();
            if (gate.Passed)
            {
                try
                {
                    await registry.PromoteAsync(model, version, $"retrain ({trigger}) passed the gate", new ExpectedChampion(champion?.ETag), cancellationToken);
                    status = RetrainStatus.Promoted;
                }
                catch (RegistryConflictException ex)
                {
                    status = RetrainStatus.Failed;
                    reasons.Add(ex.Message);
                }
            }

            await registry.ApplyRetentionAsync(model, cancellationToken);
            var after = await registry.GetChampionAsync(model, cancellationToken);
            return Finish(new RetrainOutcome
            {
                Model = model,
                Status = status,
                Version = version,
                Champion = after?.Alias.Version,
                Reasons = reasons,
                Metrics = holdout.Metrics,
                Comparison = comparison,
            }, clock);
        }
        catch (Exception ex) when (ex is DataValidationException or DataChangedException or RegistryConflictException)
        {
            return Finish(new RetrainOutcome
            {
                Model = model,
                Status = RetrainStatus.Failed,
                Champion = champion?.Alias.Version,
                Reasons = [ex.Message, "nothing was published; the champion is unchanged"],
            }, clock);
        }
    }

    private GateThresholds Thresholds(IModelDefinition definition)
    {
        var defaults = definition.DefaultGate;
        return new GateThresholds
        {
            MinRSquared = _options.MinRSquared ?? defaults.MinRSquared,
            MaxRmseRegression = _options.MaxRmseRegression ?? defaults.MaxRmseRegression,
        };
    }

    /// <summary>
    /// Scores candidate and champion on the held-out days the champion was not trained on (a
    /// champion judged on days it was refit on would always look better than it is), with the
    /// candidate trained on every other day, so both models know the same past.
    /// </summary>
    private async Task<(ChampionComparison? Comparison, string? Note)> CompareWithChampionAsync(
        IModelDefinition definition,
        ModelTrainer trainer,
        IReadOnlyList<DataFile> files,
        HoldoutResult holdout,
        ChampionAlias? champion,
        CancellationToken cancellationToken)
    {
        if (champion is null)
        {
            return (null, "no champion yet: the floor alone decides");
        }

        var manifest = await registry.GetManifestAsync(champion.Model, champion.Version, cancellationToken);
        if (manifest is null || manifest.InputSchemaHash != definition.InputSchemaHash)
        {
            return (null, $"champion {champion.Version} was built for another input schema: the floor alone decides");
        }

        var trainedOn = manifest.Data.Blobs
            .Where(b => manifest.RefitOnAllData || b.Day < manifest.ValidationWindow.FirstDay)
            .Select(b => (b.Name, b.ETag))
            .ToHashSet();
        var unseen = holdout.HoldoutFiles.Where(f => !trainedOn.Contains((f.BlobName, f.ETag))).ToList();
        if (unseen.Count == 0)
        {
            return (null, $"champion {champion.Version} was trained on every held-out day: the floor alone decides");
        }

        ITransformer championModel;
        try
        {
            var bytes = await registry.DownloadModelAsync(champion.Model, champion.Version, cancellationToken);
            using var stream = bytes.ToStream();
            championModel = trainer.Load(stream);
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or FormatException or VersionNotFoundException)
        {
            return (null, $"champion {champion.Version} could not be loaded ({ex.Message}): the floor alone decides");
        }

        var candidate = unseen.Count == holdout.HoldoutFiles.Count
            ? holdout.Model
            : trainer.Fit([.. files.Where(f => !unseen.Any(u => u.BlobName == f.BlobName))]);
        return (new ChampionComparison(
            champion.Version,
            ModelTrainer.Window(unseen),
            trainer.Evaluate(candidate, unseen),
            trainer.Evaluate(championModel, unseen)), null);
    }

    private static RetrainOutcome Skipped(string model, (ChampionAlias Alias, Azure.ETag ETag)? champion, string reason) => new()
    {
        Model = model,
        Status = RetrainStatus.Skipped,
        Champion = champion?.Alias.Version,
        Reasons = [reason],
    };

    private RetrainOutcome Finish(RetrainOutcome outcome, Stopwatch clock)
    {
        var done = outcome with { DurationSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2) };
        if (done.Status == RetrainStatus.Failed)
        {
            LogFailed(done.Model, string.Join("; ", done.Reasons));
        }
        else
        {
            LogFinished(done.Model, done.Status, done.Version, done.Champion, string.Join("; ", done.Reasons));
        }

        return done;
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Retrain of {Model} started ({Trigger})")]
    private partial void LogStarted(string model, string trigger);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Retrain of {Model}: {Status}, version {Version}, champion {Champion}: {Reasons}")]
    private partial void LogFinished(string model, RetrainStatus status, string? version, string? champion, string reasons);

    [LoggerMessage(EventId = 302, Level = LogLevel.Error, Message = "Retrain of {Model} failed: {Reasons}")]
    private partial void LogFailed(string model, string reasons);
}
