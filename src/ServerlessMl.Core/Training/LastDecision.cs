using ServerlessMl.Definitions;
using ServerlessMl.Registry;

namespace ServerlessMl.Training;

/// <summary>
/// Whether the newest version already decided this snapshot: a run is skipped only when the data
/// are the same blobs, the newest version was built by this app's recipe, and its gate decided
/// under the thresholds in force now. Otherwise the same data are trained and judged again, and
/// the run says why.
/// </summary>
internal sealed record LastDecision(string? Skip, string? JudgedAgain)
{
    private static readonly LastDecision Train = new(null, null);

    public static LastDecision Of(
        ModelManifest? latest, IReadOnlyList<DataListing> listing, IModelDefinition definition, GateThresholds thresholds, ChampionAlias? champion, string model)
    {
        if (latest is null || !latest.Data.SameBlobsAs([.. listing.Select(f => new DataBlob(f.Name, f.ETag, f.Day, 0, string.Empty))]))
        {
            return Train;
        }

        if (!TrainingLineage.SameRecipe(latest, definition))
        {
            return new(null, $"the recipe changed since version {latest.Version} was trained: the same data are trained and judged again");
        }

        // Manifests from before the thresholds were recorded cannot say they were the same.
        if (latest.Gate.Thresholds != GateSettings.Of(thresholds))
        {
            return new(null, $"the gate settings changed since version {latest.Version} was decided: the same data are judged again");
        }

        var what = latest.Version == champion?.Version ? "it is the champion"
            : !latest.Gate.Passed ? "the gate rejected it"
            : champion is null ? $"it passed the gate, but no champion is set: promote it (serverless-ml models promote --model {model} --version {latest.Version})"
            : $"it passed the gate but version {champion.Version} is the champion";
        return new($"no new data since version {latest.Version} was trained ({what})", null);
    }
}
