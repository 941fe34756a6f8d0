using ServerlessMl.Definitions;
using ServerlessMl.Registry;

namespace ServerlessMl.Training;

/// <summary>
/// What a version was built from, as its manifest records it: the files its model learned from
/// (by content, so a day re-uploaded unchanged is the same day) and the recipe that fitted it.
/// </summary>
internal static class TrainingLineage
{
    public static string Key(DataFile file) => Key(file.BlobName, file.Sha256, file.ETag);

    /// <summary>
    /// The files the version's model learned from. A split by rows trains on some rows of every
    /// file; a split by days on the days before the validation window, or all of them once refit.
    /// </summary>
    public static HashSet<string> TrainedOn(ModelManifest manifest, bool byDays) =>
        manifest.Data.Blobs
            .Where(b => !byDays || manifest.RefitOnAllData || b.Day < manifest.ValidationWindow.FirstDay)
            .Select(b => Key(b.Name, b.Sha256, b.ETag))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// True when fitting this app's recipe on <paramref name="files"/> would build the version
    /// again (same features, trainer, parameters and ML.NET, same files): a comparison would tie.
    /// </summary>
    public static bool WouldRebuild(ModelManifest manifest, IModelDefinition definition, IEnumerable<DataFile> files, bool byDays) =>
        SameRecipe(manifest, definition) && TrainedOn(manifest, byDays).SetEquals(files.Select(Key));

    /// <summary>True when the version was built by this app's recipe: same features, trainer, parameters and ML.NET.</summary>
    public static bool SameRecipe(ModelManifest manifest, IModelDefinition definition) =>
        manifest.InputSchemaHash == definition.InputSchemaHash
        && manifest.MlNetVersion == ManifestFactory.MlNetVersion
        && manifest.Trainer.Name == definition.Trainer.Name
        && manifest.Trainer.Parameters.Count == definition.Trainer.Parameters.Count
        && manifest.Trainer.Parameters.All(p => definition.Trainer.Parameters.TryGetValue(p.Key, out var value) && value == p.Value);

    // Manifests written before per-file hashes fall back to the ETag.
    private static string Key(string name, string sha256, string etag) =>
        string.IsNullOrEmpty(sha256) ? $"{name}|etag:{etag}" : $"{name}|sha256:{sha256}";
}
