using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;
using ServerlessMl.Storage;

namespace ServerlessMl.Monitoring;

/// <summary>
/// A version's drift baseline, built once from the drops its manifest lists (exactly as they were:
/// If-Match their ETags) and cached at <c>models/&lt;model&gt;/live/baseline-&lt;version&gt;.json</c>.
/// </summary>
internal sealed class BaselineStore(BlobContainerClient models, BlobContainerClient training)
{
    public static string BlobName(string model, string version) => $"{LogBlobNames.LivePrefix(model)}baseline-{version}.json";

    /// <summary>The baseline of the manifest's version; null, with <paramref name="problem"/> saying why, when its drops are no longer as trained.</summary>
    public async Task<(DriftBaseline? Baseline, string? Problem)> GetAsync(IModelDefinition definition, ModelManifest manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(manifest);
        var cache = models.GetBlobClient(BlobName(definition.Name, manifest.Version));
        if (await ReadAsync(cache, cancellationToken) is { } cached && IsWhole(cached, manifest.Version))
        {
            return (cached, null);
        }

        using var scratch = new ScratchFolder();
        Directory.CreateDirectory(scratch.Path);
        var paths = new List<string>();
        foreach (var blob in manifest.Data.Blobs)
        {
            var localPath = Path.Combine(scratch.Path, $"{paths.Count:D5}.{definition.Format.Extension}");
            try
            {
                await training.GetBlobClient(blob.Name).DownloadToAsync(
                    localPath,
                    new BlobDownloadToOptions { Conditions = new BlobRequestConditions { IfMatch = new ETag(blob.ETag) } },
                    cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                return (null, $"the drop {blob.Name} changed or was deleted since version {manifest.Version} was trained on it");
            }

            paths.Add(localPath);
        }

        var baseline = definition.Accept(new DriftBaselineBuilder(definition, manifest.Version, paths));
        await cache.UploadAsync(BinaryData.FromObjectAsJson(baseline, RegistryJson.Options), overwrite: true, cancellationToken);
        return (baseline, null);
    }

    // JSON that parses but lacks a part (a hand edit, another version's file) is as damaged as text that does not.
    private static bool IsWhole(DriftBaseline baseline, string version) =>
        baseline.Version == version
        && baseline.Measures is not null && baseline.Measures.All(m => m is { Name: not null, Edges: not null, Shares: not null } && (m.Shares.Count == m.Edges.Count + 1 || m.Shares.Count == 0))
        && baseline.Vocabularies is not null && baseline.Vocabularies.Values.All(v => v is not null);

    private static async Task<DriftBaseline?> ReadAsync(BlobClient cache, CancellationToken cancellationToken)
    {
        try
        {
            return (await cache.DownloadContentAsync(cancellationToken)).Value.Content.ToObjectFromJson<DriftBaseline>(RegistryJson.Options);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (JsonException)
        {
            // A damaged cache is only a cache: build it again.
            return null;
        }
    }
}
