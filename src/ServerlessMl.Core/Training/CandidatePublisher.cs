using ServerlessMl.Registry;
using ServerlessMl.Storage;

namespace ServerlessMl.Training;

/// <summary>
/// A run's last steps: the judged candidate is saved (refit on every day if it passed and
/// refitting is on), published as the next version, and promoted through the
/// <see cref="ChampionPromoter"/> if the champion is still the one the run read.
/// </summary>
internal sealed class CandidatePublisher(ModelRegistry registry, ChampionPromoter promoter, bool refitOnAllData)
{
    /// <summary>Saves and publishes the candidate; the manifest as stored.</summary>
    public async Task<ModelManifest> PublishAsync(
        RetrainRun run, ModelTrainer trainer, IReadOnlyList<DataFile> files, HoldoutResult holdout, ChampionComparison? comparison, GateDecision gate, CancellationToken cancellationToken)
    {
        run.Enter("refit and save");
        var refit = gate.Passed && refitOnAllData;
        using var zip = new MemoryStream();
        trainer.Save(refit ? trainer.Fit(files) : holdout.Model, zip, files);
        run.InTrainer = false;

        run.Enter("publish");
        var version = await registry.NextVersionAsync(run.Model, cancellationToken);
        var manifest = ManifestFactory.Create(run.Definition, version, holdout, comparison, gate, refit, files, zip);
        zip.Position = 0;
        await registry.PublishVersionAsync(manifest, zip, cancellationToken);
        return manifest;
    }

    /// <summary>Null once the candidate is champion; the outcome of a lost race if the champion moved meanwhile.</summary>
    public async Task<RetrainOutcome?> PromoteAsync(RetrainRun run, ModelManifest published, CancellationToken cancellationToken)
    {
        run.Enter("promote");
        try
        {
            await promoter.PromoteCandidateAsync(
                run.Definition, published, new ExpectedChampion(run.Champion.Tag), $"retrain ({run.Trigger}) passed the gate", cancellationToken);
            return null;
        }
        catch (RegistryConflictException)
        {
            return await LostRaceAsync(run, published.Version, cancellationToken);
        }
    }

    /// <summary>
    /// The outcome when the champion moved between this run's read and its promotion: the stored
    /// version is named for promotion by hand, and the champion is the one that moved in, as far
    /// as storage still says.
    /// </summary>
    private async Task<RetrainOutcome> LostRaceAsync(RetrainRun run, string version, CancellationToken cancellationToken)
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
}
