using System.Security.Cryptography;
using Azure.Storage.Blobs;
using ServerlessMl.Registry;

namespace ServerlessMl.Testing;

/// <summary>Damages a stored version the ways storage, a hand edit or a partial write can.</summary>
public static class RegistryDamage
{
    public const string HashMismatch = "hash mismatch";
    public const string CorruptZip = "corrupt zip";
    public const string MissingZip = "missing model.zip";
    public const string ManifestNotJson = "manifest not JSON";
    public const string ShortSchemaHash = "short schema hash";
    public const string OtherSchema = "other input schema";

    public static async Task ApplyAsync(BlobContainerClient models, string model, string version, string damage)
    {
        ArgumentNullException.ThrowIfNull(models);
        var zip = models.GetBlobClient(ModelRegistry.ModelBlobName(model, version));
        var manifestBlob = models.GetBlobClient(ModelRegistry.ManifestBlobName(model, version));
        switch (damage)
        {
            case HashMismatch:
                // Same length, other bytes; applying it twice leaves it damaged (a zip starts with "PK").
                var bytes = (await zip.DownloadContentAsync()).Value.Content.ToArray();
                bytes[0] = 0;
                await zip.UploadAsync(BinaryData.FromBytes(bytes), overwrite: true);
                break;
            case CorruptZip:
                // The bytes match the manifest's hash, but are not a model.
                var garbage = BinaryData.FromString("this is not a zip");
                await zip.UploadAsync(garbage, overwrite: true);
                await RewriteManifestAsync(manifestBlob, m => m with { ModelFile = new ModelFile(Convert.ToHexStringLower(SHA256.HashData(garbage.ToArray())), garbage.ToArray().Length) });
                break;
            case ManifestNotJson:
                await manifestBlob.UploadAsync(BinaryData.FromString("{\"model\": "), overwrite: true);
                break;
            case ShortSchemaHash:
                await RewriteManifestAsync(manifestBlob, m => m with { InputSchemaHash = "abc" });
                break;
            case OtherSchema:
                await RewriteManifestAsync(manifestBlob, m => m with { InputSchemaHash = new string('0', 64) });
                break;
            case MissingZip:
                await zip.DeleteAsync();
                break;
            default:
                throw new ArgumentException($"unknown damage '{damage}'", nameof(damage));
        }
    }

    private static async Task RewriteManifestAsync(BlobClient manifestBlob, Func<ModelManifest, ModelManifest> change)
    {
        var manifest = (await manifestBlob.DownloadContentAsync()).Value.Content.ToObjectFromJson<ModelManifest>(RegistryJson.Options)!;
        await manifestBlob.UploadAsync(BinaryData.FromObjectAsJson(change(manifest), RegistryJson.Options), overwrite: true);
    }
}
