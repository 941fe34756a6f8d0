using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;

namespace ServerlessMl.Registry;

/// <summary>
/// The champion alias blob, <c>models/&lt;model&gt;/aliases/champion.json</c>: read only when it
/// changed, and written only if it is still as it was read.
/// </summary>
internal sealed partial class ChampionAliasStore(BlobContainerClient container, ILogger logger)
{
    public static string BlobName(string model) => $"{model}/aliases/champion.json";

    /// <summary>The alias if it changed since it was read as <paramref name="known"/> (all of it when that is null).</summary>
    public async Task<ChampionCheck> CheckAsync(string model, ChampionTag? known, CancellationToken cancellationToken)
    {
        var options = new BlobDownloadOptions
        {
            Conditions = known is null ? null : new BlobRequestConditions { IfNoneMatch = known.Value.ETag },
        };
        try
        {
            var response = await container.GetBlobClient(BlobName(model)).DownloadContentAsync(options, cancellationToken);
            if (response.GetRawResponse().Status == 304)
            {
                return ChampionCheck.Unchanged;
            }

            var etag = new ChampionTag(response.Value.Details.ETag);
            ChampionAlias? alias;
            try
            {
                alias = response.Value.Content.ToObjectFromJson<ChampionAlias>(RegistryJson.Options);
            }
            catch (JsonException ex)
            {
                LogUnreadableAlias(logger, model, ex.Message);
                return new ChampionCheck(ChampionCheckResult.Unreadable, null, etag);
            }

            if (alias is null || !string.Equals(alias.Model, model, StringComparison.Ordinal) || alias.Version is null || !ModelRegistry.IsVersion(alias.Version))
            {
                LogUnreadableAlias(logger, model, "it names no valid version of this model");
                return new ChampionCheck(ChampionCheckResult.Unreadable, null, etag);
            }

            return new ChampionCheck(ChampionCheckResult.Changed, alias, etag);
        }
        catch (RequestFailedException ex) when (ex.Status == 304)
        {
            return ChampionCheck.Unchanged;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return ChampionCheck.None;
        }
    }

    /// <summary>Points the alias at <paramref name="version"/>; with <paramref name="expected"/>, only if it has not moved.</summary>
    /// <exception cref="RegistryConflictException">It moved.</exception>
    public async Task<ChampionAlias> WriteAsync(string model, string version, string reason, ExpectedChampion? expected, CancellationToken cancellationToken)
    {
        var alias = new ChampionAlias(model, version, DateTimeOffset.UtcNow, reason);
        var conditions = expected is null
            ? null
            : new BlobRequestConditions { IfMatch = expected.Tag?.ETag, IfNoneMatch = expected.Tag is null ? ETag.All : null };
        try
        {
            await container.GetBlobClient(BlobName(model)).UploadAsync(
                BinaryData.FromObjectAsJson(alias, RegistryJson.Options),
                new BlobUploadOptions { Conditions = conditions },
                cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw new RegistryConflictException($"The champion of {model} changed while this run was deciding; nothing was promoted.", ex);
        }

        LogPromoted(logger, model, version, reason);
        return alias;
    }

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Champion of {Model} is now version {Version}: {Reason}")]
    private static partial void LogPromoted(ILogger logger, string model, string version, string reason);

    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "The champion alias of {Model} is not valid: {Reason}")]
    private static partial void LogUnreadableAlias(ILogger logger, string model, string reason);
}
