using System.Security.Cryptography;
using Microsoft.ML;
using ServerlessMl.Definitions;

namespace ServerlessMl.Registry;

/// <summary>
/// Fetches one version from the registry and proves it can serve this app's definition before
/// anyone predicts with it or points the champion at it: the manifest is readable and well-formed,
/// built for this input schema, model.zip matches the manifest's sha256 and size, and ML.NET loads it.
/// </summary>
internal sealed class ModelLoader(ModelRegistry registry)
{
    /// <exception cref="ModelRefusedException">The version exists in some form but cannot serve.</exception>
    /// <remarks>Storage failures propagate as they are (see <see cref="Storage.StorageFailure"/>).</remarks>
    internal async Task<LoadedModel> LoadAsync(IModelDefinition definition, string version, CancellationToken cancellationToken, Action? downloaded = null)
    {
        ArgumentNullException.ThrowIfNull(definition);

        // Both reads at once: on a cold instance this is on the first request's time. Each is
        // awaited again below, so their failures are reported in the order that explains them best.
        Task<ModelManifest?> manifestRead;
        Task<BinaryData> download;
        using (Telemetry.ServerlessMlTelemetry.Start("download", definition.Name))
        {
            manifestRead = registry.GetManifestAsync(definition.Name, version, cancellationToken);
            download = registry.DownloadModelAsync(definition.Name, version, cancellationToken);
            await Task.WhenAll(manifestRead, download).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (download.IsCompletedSuccessfully)
        {
            downloaded?.Invoke();
        }

        ModelManifest manifest;
        BinaryData bytes;
        using (Telemetry.ServerlessMlTelemetry.Start("verify", definition.Name))
        {
            manifest = await ReadManifestAsync(definition, version, manifestRead);
            bytes = await VerifyBytesAsync(manifest, download);
        }

        using var load = Telemetry.ServerlessMlTelemetry.Start("load", definition.Name);
        var ml = new MLContext();
        try
        {
            using var stream = bytes.ToStream();
            return new LoadedModel(manifest, ml.Model.Load(stream, out _), ml);
        }
        catch (Exception ex) when (IsUnloadable(ex))
        {
            throw new ModelRefusedException(version, $"its model.zip cannot be loaded by ML.NET: {ex.Message}");
        }
    }

    /// <summary>
    /// Refuses a manifest that cannot describe a version this app serves: malformed, or built for
    /// another input schema. The first check of every load, and the only one a candidate the
    /// retrain job has just written and hashed itself still needs.
    /// </summary>
    /// <exception cref="ModelRefusedException">It cannot serve.</exception>
    internal static void Verify(IModelDefinition definition, string version, ModelManifest manifest)
    {
        if (manifest.Defect(definition.Name, version) is { } defect)
        {
            throw new ModelRefusedException(version, $"its manifest is malformed: {defect}");
        }

        if (manifest.InputSchemaHash != definition.InputSchemaHash)
        {
            throw new ModelRefusedException(version, $"it was built for another input schema ({manifest.InputSchemaHash[..12]}…; this app has {definition.InputSchemaHash[..12]}…)");
        }
    }

    private static async Task<ModelManifest> ReadManifestAsync(IModelDefinition definition, string version, Task<ModelManifest?> manifestRead)
    {
        ModelManifest manifest;
        try
        {
            manifest = await manifestRead ?? throw new ModelRefusedException(version, "it has no manifest");
        }
        catch (System.Text.Json.JsonException)
        {
            throw new ModelRefusedException(version, $"its manifest ({ModelRegistry.ManifestBlobName(definition.Name, version)}) is not valid JSON");
        }

        Verify(definition, version, manifest);
        return manifest;
    }

    /// <summary>The model.zip the manifest describes, byte for byte.</summary>
    private static async Task<BinaryData> VerifyBytesAsync(ModelManifest manifest, Task<BinaryData> download)
    {
        var version = manifest.Version;
        BinaryData bytes;
        try
        {
            bytes = await download;
        }
        catch (VersionNotFoundException)
        {
            throw new ModelRefusedException(version, "it has no model.zip");
        }

        var content = bytes.ToMemory();
        if (content.Length != manifest.ModelFile.SizeBytes)
        {
            throw new ModelRefusedException(version, $"its model.zip is {content.Length} bytes, the manifest says {manifest.ModelFile.SizeBytes}");
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        if (!string.Equals(hash, manifest.ModelFile.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelRefusedException(version, $"its model.zip has sha256 {hash[..12]}…, the manifest says {manifest.ModelFile.Sha256[..12]}…");
        }

        return bytes;
    }

    /// <summary>
    /// True for what ML.NET throws when the bytes it is given are not a model it can load (not a
    /// zip, a zip of something else, a model of an unknown transformer): the one list every caller
    /// of <c>Model.Load</c> uses.
    /// </summary>
    public static bool IsUnloadable(Exception exception) =>
        exception is InvalidOperationException or InvalidDataException or FormatException or IOException or ArgumentException or System.Reflection.TargetInvocationException;
}

/// <summary>A verified version, ready for prediction engines.</summary>
internal sealed record LoadedModel(ModelManifest Manifest, ITransformer Transformer, MLContext Context);

/// <summary>A version that exists but cannot serve: its bytes or manifest are wrong, not the network.</summary>
internal sealed class ModelRefusedException(string version, string reason) : Exception($"Version {version} cannot serve: {reason}.")
{
    public string Version { get; } = version;

    public string Reason { get; } = reason;
}
