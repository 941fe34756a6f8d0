using System.Text.Json;
using Microsoft.ML;
using ServerlessMl.Cli.Commands;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;

namespace ServerlessMl.Cli.Score;

/// <summary>
/// A model.zip on disk and the manifest beside it, if any: <c>&lt;name&gt;.manifest.json</c> (what
/// offline training writes) or <c>manifest.json</c> (a version folder copied out of the registry).
/// A manifest names the model and the input schema outright, so a zip of another model is refused
/// before anything is scored.
/// </summary>
internal static class LocalModelZip
{
    /// <summary>Loads the zip with ML.NET; its version is the manifest's registry version, else the zip's file name.</summary>
    public static (ITransformer Model, string Version) Load(IModelDefinition definition, string path)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No model.zip at '{path}'.", path);
        }

        var manifest = ManifestBeside(definition, path);
        using var stream = File.OpenRead(path);
        try
        {
            var model = new MLContext().Model.Load(stream, out _);
            return (model, manifest?.Version is { } version && ModelRegistry.IsVersion(version) ? version : Path.GetFileName(path));
        }
        catch (Exception ex) when (ModelLoader.IsUnloadable(ex))
        {
            throw new CliException($"{path} is not a model.zip ML.NET can load ({ex.Message}); pass the model.zip, not its manifest.");
        }
    }

    /// <summary>The manifest beside <paramref name="path"/>; null when there is none, or none of ours.</summary>
    /// <exception cref="CliException">The manifest is of another model or another input schema.</exception>
    public static ModelManifest? ManifestBeside(IModelDefinition definition, string path)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var full = Path.GetFullPath(path);
        var manifestPath = new[] { TrainCommand.ManifestPath(full), Path.Combine(Path.GetDirectoryName(full)!, "manifest.json") }.FirstOrDefault(File.Exists);
        ModelManifest? manifest;
        try
        {
            manifest = manifestPath is null ? null : JsonSerializer.Deserialize<ModelManifest>(File.ReadAllText(manifestPath), RegistryJson.Options);
        }
        catch (JsonException)
        {
            return null; // not a manifest of ours: the zip's own input schema decides
        }

        if (manifest is { Model: { } model } && model != definition.Name)
        {
            throw new CliException($"{path} is not a {definition.Name} model: its manifest ({manifestPath}) says {model}; pass --model {model}, or a {definition.Name} model.zip.");
        }

        if (manifest is { InputSchemaHash: { } hash } && hash != definition.InputSchemaHash)
        {
            throw new CliException($"{path} was built for another input schema of {definition.Name} ({hash[..Math.Min(12, hash.Length)]}…; this app has {definition.InputSchemaHash[..12]}…); retrain it.");
        }

        return manifest;
    }
}
