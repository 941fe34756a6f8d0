using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessMl.Storage;

namespace ServerlessMl.Registry;

/// <summary>
/// The versioned model registry in blob storage:
/// <c>models/&lt;model&gt;/versions/&lt;NNNN&gt;/{model.zip,manifest.json}</c> (immutable) and
/// <c>models/&lt;model&gt;/aliases/champion.json</c> (moved with conditional writes).
/// </summary>
internal sealed partial class ModelRegistry
{
    private const string ModelFileName = "model.zip";
    private const string ManifestFileName = "manifest.json";

    private readonly BlobContainerClient _container;
    private readonly RegistryOptions _options;
    private readonly ILogger<ModelRegistry> _logger;
    private readonly ChampionAliasStore _aliases;

    public ModelRegistry(BlobServiceClient service, StorageOptions storage, IOptions<RegistryOptions> options, ILogger<ModelRegistry> logger)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(options);
        _container = service.GetBlobContainerClient(storage.ModelsContainer);
        _options = options.Value;
        _logger = logger;
        _aliases = new ChampionAliasStore(_container, logger);
    }

    // Tests damage blobs through it; callers of the library go through the registry's methods.
    internal BlobContainerClient Container => _container;

    public static string FormatVersion(int number) => number.ToString("D4", CultureInfo.InvariantCulture);

    public static string ModelBlobName(string model, string version) => $"{model}/versions/{version}/{ModelFileName}";

    public static string ManifestBlobName(string model, string version) => $"{model}/versions/{version}/{ManifestFileName}";

    public static string ChampionBlobName(string model) => ChampionAliasStore.BlobName(model);

    public static bool IsVersion(string text) =>
        text.Length is >= 4 and <= 9 && text.All(char.IsAsciiDigit);

    public Task EnsureContainerAsync(CancellationToken cancellationToken) =>
        _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <summary>
    /// Published versions (those with a readable manifest), oldest first. A version whose manifest
    /// cannot be read is left out with a warning, so one damaged blob does not stop listings and
    /// retraining; it stays in storage for someone to look at.
    /// </summary>
    public async Task<IReadOnlyList<ModelManifest>> ListVersionsAsync(string model, CancellationToken cancellationToken)
    {
        var manifests = new List<ModelManifest>();
        foreach (var version in await ListVersionNumbersAsync(model, cancellationToken))
        {
            if (await TryReadManifestAsync(model, version, cancellationToken) is { } manifest)
            {
                manifests.Add(manifest);
            }
        }

        return manifests;
    }

    /// <summary>The newest version with a readable manifest, reading no more manifests than needed.</summary>
    public async Task<ModelManifest?> GetLatestVersionAsync(string model, CancellationToken cancellationToken)
    {
        var versions = await ListVersionNumbersAsync(model, cancellationToken);
        for (var i = versions.Count - 1; i >= 0; i--)
        {
            if (await TryReadManifestAsync(model, versions[i], cancellationToken) is { } manifest)
            {
                return manifest;
            }
        }

        return null;
    }

    private async Task<ModelManifest?> TryReadManifestAsync(string model, string version, CancellationToken cancellationToken)
    {
        try
        {
            return await GetManifestAsync(model, version, cancellationToken);
        }
        catch (System.Text.Json.JsonException ex)
        {
            LogUnreadableManifest(model, version, ex.Message);
            return null;
        }
    }

    public async Task<ModelManifest?> GetManifestAsync(string model, string version, CancellationToken cancellationToken)
    {
        var content = await TryDownloadAsync(ManifestBlobName(model, version), cancellationToken);
        return content is null ? null : content.Value.Content.ToObjectFromJson<ModelManifest>(RegistryJson.Options);
    }

    /// <summary>
    /// The champion alias and the tag of the state it was read in, or null when the model has no champion yet.
    /// </summary>
    /// <exception cref="InvalidDataException">The alias blob exists but is not a valid alias.</exception>
    public async Task<(ChampionAlias Alias, ChampionTag Tag)?> GetChampionAsync(string model, CancellationToken cancellationToken)
    {
        var check = await CheckChampionAsync(model, known: null, cancellationToken);
        return check.Result switch
        {
            ChampionCheckResult.Unreadable => throw new InvalidDataException($"The champion alias {ChampionBlobName(model)} is not valid JSON naming a version of {model}; promote a version to rewrite it."),
            _ => check.Alias is null ? null : (check.Alias, check.Tag!.Value),
        };
    }

    /// <summary>True when the version has a manifest blob (readable or not).</summary>
    public async Task<bool> VersionExistsAsync(string model, string version, CancellationToken cancellationToken) =>
        IsVersion(version) && (await _container.GetBlobClient(ManifestBlobName(model, version)).ExistsAsync(cancellationToken)).Value;

    /// <summary>
    /// Reads the champion alias only if it changed since it was read as <paramref name="known"/>: an unchanged
    /// champion costs one conditional request answered with 304 and no body.
    /// </summary>
    internal Task<ChampionCheck> CheckChampionAsync(string model, ChampionTag? known, CancellationToken cancellationToken) =>
        _aliases.CheckAsync(model, known, cancellationToken);

    /// <summary>Downloads a version's model.zip into memory.</summary>
    public async Task<BinaryData> DownloadModelAsync(string model, string version, CancellationToken cancellationToken)
    {
        var content = await TryDownloadAsync(ModelBlobName(model, version), cancellationToken)
            ?? throw new VersionNotFoundException(model, version);
        return content.Value.Content;
    }

    /// <summary>
    /// Writes a new immutable version: model.zip first, manifest last, both only if absent, so a
    /// version is visible (has a manifest) only once it is complete. On failure, what was written is removed.
    /// </summary>
    public async Task PublishVersionAsync(ModelManifest manifest, Stream modelZip, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var onlyIfAbsent = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };
        var modelBlob = _container.GetBlobClient(ModelBlobName(manifest.Model, manifest.Version));
        var manifestBlob = _container.GetBlobClient(ManifestBlobName(manifest.Model, manifest.Version));
        var wroteModel = false;
        try
        {
            await modelBlob.UploadAsync(modelZip, onlyIfAbsent, cancellationToken);
            wroteModel = true;
            await manifestBlob.UploadAsync(BinaryData.FromObjectAsJson(manifest, RegistryJson.Options), onlyIfAbsent, cancellationToken);
        }
        catch (Exception ex)
        {
            if (wroteModel)
            {
                // A model.zip without its manifest is invisible but wastes space and blocks the number;
                // one beside another version's manifest would not match it.
                await modelBlob.DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
            }

            if (ex is RequestFailedException { Status: 409 or 412 } conflict)
            {
                throw new RegistryConflictException($"Version {manifest.Version} of {manifest.Model} already exists.", conflict);
            }

            throw;
        }

        LogPublished(manifest.Model, manifest.Version, manifest.Gate.Passed);
    }

    /// <summary>The next free version number (not reserved: callers hold the retrain lease).</summary>
    public async Task<string> NextVersionAsync(string model, CancellationToken cancellationToken)
    {
        var numbers = await ListVersionNumbersAsync(model, cancellationToken);
        var max = numbers.Count == 0 ? 0 : numbers.Max(v => int.Parse(v, CultureInfo.InvariantCulture));
        return FormatVersion(max + 1);
    }

    /// <summary>
    /// Points the champion alias at <paramref name="version"/>, without checking that it can serve:
    /// only <see cref="ChampionPromoter"/>, which does, calls it. With <paramref name="expected"/>,
    /// the write happens only if the alias is still as it was read (a null tag: only if there is none yet).
    /// </summary>
    internal async Task<ChampionAlias> PromoteAsync(string model, string version, string reason, ExpectedChampion? expected, CancellationToken cancellationToken)
    {
        if (!await VersionExistsAsync(model, version, cancellationToken))
        {
            throw new VersionNotFoundException(model, version);
        }

        return await _aliases.WriteAsync(model, version, reason, expected, cancellationToken);
    }

    /// <summary>Deletes non-champion versions beyond the newest <see cref="RegistryOptions.KeepVersions"/>.</summary>
    public async Task<IReadOnlyList<string>> ApplyRetentionAsync(string model, CancellationToken cancellationToken)
    {
        var champion = (await GetChampionAsync(model, cancellationToken))?.Alias.Version;
        var doomed = (await ListVersionNumbersAsync(model, cancellationToken))
            .Where(v => v != champion)
            .OrderByDescending(v => int.Parse(v, CultureInfo.InvariantCulture))
            .Skip(_options.KeepVersions)
            .ToList();
        foreach (var version in doomed)
        {
            // Manifest first: the version disappears from listings before its model goes.
            await _container.GetBlobClient(ManifestBlobName(model, version)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
            await _container.GetBlobClient(ModelBlobName(model, version)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
            LogRetentionDeleted(model, version);
        }

        return doomed;
    }

    /// <summary>Takes the per-model retrain lease, or returns null if another run holds it.</summary>
    /// <param name="holder">Who takes it (host and trigger), told to runs that find it held.</param>
    internal Task<RetrainLease?> TryAcquireRetrainLeaseAsync(string model, string holder, CancellationToken cancellationToken) =>
        RetrainLease.TryAcquireAsync(LockBlob(model), holder, _logger, cancellationToken);

    /// <summary>Who holds the retrain lease and when it clears at the latest; null if unknown.</summary>
    internal Task<LeaseHolder?> DescribeRetrainLeaseAsync(string model, CancellationToken cancellationToken) =>
        RetrainLease.DescribeAsync(LockBlob(model), cancellationToken);

    private BlobClient LockBlob(string model) => _container.GetBlobClient($"{model}/retrain.lock");

    private async Task<List<string>> ListVersionNumbersAsync(string model, CancellationToken cancellationToken)
    {
        var versions = new List<string>();
        var prefix = $"{model}/versions/";
        try
        {
            await foreach (var item in _container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", prefix, cancellationToken))
            {
                if (item.IsPrefix)
                {
                    var version = item.Prefix[prefix.Length..].TrimEnd('/');
                    if (IsVersion(version))
                    {
                        versions.Add(version);
                    }
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No container yet: no versions.
        }

        // By number: the listing is alphabetical, which differs once versions grow a digit.
        return [.. versions.OrderBy(v => int.Parse(v, CultureInfo.InvariantCulture))];
    }

    private async Task<Response<BlobDownloadResult>?> TryDownloadAsync(string blobName, CancellationToken cancellationToken)
    {
        try
        {
            return await _container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Published {Model} version {Version} (gate passed: {Passed})")]
    private partial void LogPublished(string model, string version, bool passed);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Retention deleted {Model} version {Version}")]
    private partial void LogRetentionDeleted(string model, string version);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "{Model} version {Version} is left out: its manifest is not valid JSON ({Reason})")]
    private partial void LogUnreadableManifest(string model, string version, string reason);
}
