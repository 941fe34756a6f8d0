using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.ML;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;

namespace ServerlessMl.Training;

/// <summary>Builds the manifest of a trained model; shared by the retrain job and the offline CLI.</summary>
internal static class ManifestFactory
{
    /// <summary>The ML.NET this app trains with, as manifests record it.</summary>
    public static string MlNetVersion { get; } = InformationalVersion(typeof(MLContext));

    public static ModelManifest Create(
        IModelDefinition definition,
        string version,
        HoldoutResult holdout,
        ChampionComparison? comparison,
        GateDecision gate,
        bool refit,
        IReadOnlyList<DataFile> files,
        MemoryStream modelZip)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(modelZip);
        var blobs = files.Select(f => new DataBlob(f.BlobName, f.ETag, f.Day, f.Rows, f.Sha256) { DroppedRows = f.DroppedRows }).ToList();
        var contentHash = Convert.ToHexStringLower(SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(string.Join('\n', blobs.Select(b => $"{b.Name}:{b.Sha256}")))));
        return new ModelManifest
        {
            Model = definition.Name,
            Version = version,
            CreatedUtc = DateTimeOffset.UtcNow,
            Trainer = definition.Trainer,
            Task = definition.Task,
            Holdout = definition.Split is HashedRowsSplit split
                ? string.Create(CultureInfo.InvariantCulture, $"{split.Fraction:P0} of the rows of every file, chosen by a hash of each row (seed {split.Seed}): {holdout.Metrics.Rows} rows")
                : string.Create(CultureInfo.InvariantCulture, $"the newest {holdout.Window.Days} day(s), {holdout.Window.FirstDay:yyyy-MM-dd}..{holdout.Window.LastDay:yyyy-MM-dd}: {holdout.Metrics.Rows} rows"),
            Metrics = holdout.Metrics,
            ValidationWindow = holdout.Window,
            Comparison = comparison,
            Gate = gate,
            RefitOnAllData = refit,
            Data = new DataSnapshot(blobs, blobs.Sum(b => b.Rows), contentHash, files.Min(f => f.Day), files.Max(f => f.Day)),
            InputSchemaHash = definition.InputSchemaHash,
            MlNetVersion = MlNetVersion,
            AppVersion = InformationalVersion(typeof(ManifestFactory)),
            ModelFile = new ModelFile(Convert.ToHexStringLower(SHA256.HashData(modelZip.GetBuffer().AsSpan(0, (int)modelZip.Length))), modelZip.Length),
        };
    }

    private static string InformationalVersion(Type type)
    {
        var version = type.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
