using Microsoft.ML;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;

namespace ServerlessMl.Training;

/// <summary>The champion as a run read it: its alias and tag (the promotion is conditional on it), or a damaged alias.</summary>
internal sealed record ChampionRead(ChampionAlias? Alias, ChampionTag? Tag, bool Damaged);

/// <summary>
/// The candidate against the champion, or none; and in words what the comparison rested on, or
/// why there was none (the gate lists it with its reasons).
/// </summary>
internal sealed record ComparisonResult(ChampionComparison? Comparison, string? Note)
{
    public static ComparisonResult Without(string why) => new(null, why);
}

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
internal sealed class ChampionComparer(ModelRegistry registry, int comparisonDays)
{
    /// <summary>
    /// The champion alias and its tag. A damaged alias is not the end of retraining: the floor
    /// alone judges, and a passing candidate replaces it.
    /// </summary>
    public async Task<ChampionRead> ReadAsync(string model, CancellationToken cancellationToken)
    {
        var check = await registry.CheckChampionAsync(model, known: null, cancellationToken);
        return new ChampionRead(check.Alias, check.Tag, check.Result == ChampionCheckResult.Unreadable);
    }

    public async Task<ComparisonResult> CompareAsync(
        ChampionRead read, IModelDefinition definition, ModelTrainer trainer, IReadOnlyList<DataFile> files, HoldoutResult holdout, CancellationToken cancellationToken)
    {
        if (read.Alias is not { } champion)
        {
            return ComparisonResult.Without(read.Damaged
                ? $"the champion alias {ModelRegistry.ChampionBlobName(definition.Name)} is damaged: the floor alone decides, and a passing candidate replaces it"
                : "no champion yet: the floor alone decides");
        }

        if (await ReadManifestAsync(champion, cancellationToken) is not { } manifest)
        {
            return ComparisonResult.Without($"the champion's manifest {ModelRegistry.ManifestBlobName(champion.Model, champion.Version)} is missing or damaged: the floor alone decides");
        }

        if (manifest.InputSchemaHash != definition.InputSchemaHash)
        {
            return ComparisonResult.Without($"champion {champion.Version} was built for another input schema: the floor alone decides");
        }

        // A split by rows trains on some rows of every file, so only files the champion never had are unseen.
        var byDays = definition.Split is NewestDaysSplit;
        var trainedOn = TrainingLineage.TrainedOn(manifest, byDays);
        var unseen = (byDays ? holdout.HoldoutFiles : files).Where(f => !trainedOn.Contains(TrainingLineage.Key(f))).ToList();
        if (unseen.Count == 0)
        {
            return ComparisonResult.Without(byDays
                ? $"champion {champion.Version} was trained on every held-out day: the floor alone decides"
                : $"champion {champion.Version} has seen every data file, so no rows are new to both: the floor alone decides");
        }

        // A damaged champion is named even when the comparison would be skipped.
        ITransformer championModel;
        try
        {
            championModel = await LoadVersionAsync(trainer, champion.Model, champion.Version, cancellationToken);
        }
        catch (Exception ex) when (Unloadable(ex))
        {
            return ComparisonResult.Without($"champion {champion.Version} could not be loaded ({ex.Message}): the floor alone decides");
        }

        var against = new Champion(champion.Version, manifest, championModel, TrainingLineage.SameRecipe(manifest, definition));
        if (byDays && await OnRecentOriginsAsync(against, definition, trainer, files, cancellationToken) is { } recent)
        {
            return recent;
        }

        return OnUnseenFiles(against, definition, trainer, files, unseen, holdout, byDays);
    }

    /// <summary>
    /// An accepted recipe is not judged again against the versions before it; under the
    /// champion's own recipe the question is whether the days since it make the recipe worse, so
    /// only the days the champion itself serves are origins (its first new day would rebuild it
    /// and is left out as a tie).
    /// </summary>
    private async Task<ComparisonResult?> OnRecentOriginsAsync(
        Champion champion, IModelDefinition definition, ModelTrainer trainer, IReadOnlyList<DataFile> files, CancellationToken cancellationToken)
    {
        async Task<ITransformer?> ServedAsync(string version, CancellationToken token)
        {
            try
            {
                return version == champion.Version ? champion.Model : await LoadVersionAsync(trainer, definition.Name, version, token);
            }
            catch (Exception ex) when (Unloadable(ex))
            {
                return null; // that day is left out of the comparison
            }
        }

        IReadOnlyList<ModelManifest> versions = champion.SameRecipe ? [champion.Manifest] : await registry.ListVersionsAsync(definition.Name, cancellationToken);
        if (await RecentOriginsComparison.RunAsync(trainer, definition, files, versions, champion.Version, comparisonDays, ServedAsync, cancellationToken) is not { } recent)
        {
            return null;
        }

        return new ComparisonResult(
            recent,
            champion.SameRecipe
                ? $"champion {champion.Version} was built by this recipe: compared on the days after the first it never saw, each with the recipe refitted on every day before it"
                : null);
    }

    /// <summary>
    /// Trained on the files the champion had, by the recipe that built it, the comparison model
    /// would be the champion again: a known tie, not worth a second fit.
    /// </summary>
    private static ComparisonResult OnUnseenFiles(
        Champion champion, IModelDefinition definition, ModelTrainer trainer, IReadOnlyList<DataFile> files, List<DataFile> unseen, HoldoutResult holdout, bool byDays)
    {
        var history = files.Where(f => !unseen.Contains(f)).ToList();
        if (TrainingLineage.WouldRebuild(champion.Manifest, definition, history, byDays))
        {
            return ComparisonResult.Without(byDays
                ? $"champion {champion.Version} was built by this recipe from exactly the files a comparison model would learn from: it would tie, so none was trained; the floor alone decides until a second day the champion never saw arrives"
                : $"champion {champion.Version} was built by this recipe from exactly the files a comparison model would learn from: it would tie, so none was trained; the floor alone decides (data without days is compared after a change of recipe only)");
        }

        var candidate = byDays && unseen.Count == holdout.HoldoutFiles.Count
            ? holdout.Model
            : trainer.Fit(history);
        return new ComparisonResult(
            new ChampionComparison(champion.Version, ModelTrainer.Window(unseen), trainer.Evaluate(candidate, unseen), trainer.Evaluate(champion.Model, unseen)),
            null);
    }

    /// <summary>The champion's manifest, or null when it is missing, not JSON, or malformed.</summary>
    private async Task<ModelManifest?> ReadManifestAsync(ChampionAlias champion, CancellationToken cancellationToken)
    {
        try
        {
            var manifest = await registry.GetManifestAsync(champion.Model, champion.Version, cancellationToken);
            return manifest?.Defect(champion.Model, champion.Version) is null ? manifest : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private async Task<ITransformer> LoadVersionAsync(ModelTrainer trainer, string model, string version, CancellationToken cancellationToken)
    {
        var bytes = await registry.DownloadModelAsync(model, version, cancellationToken);
        using var stream = bytes.ToStream();
        return trainer.Load(stream);
    }

    private static bool Unloadable(Exception ex) => ex is VersionNotFoundException || ModelLoader.IsUnloadable(ex);

    /// <summary>The champion a comparison is made against: its manifest, its model, and whether this app's recipe built it.</summary>
    private sealed record Champion(string Version, ModelManifest Manifest, ITransformer Model, bool SameRecipe);
}
