using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;

namespace ServerlessMl.Storage;

/// <summary>Builds the one <see cref="BlobServiceClient"/> the app uses, from <see cref="StorageOptions"/>.</summary>
internal static class BlobServiceClientFactory
{
    /// <summary>Reads the <c>ModelStorage</c> setting in either of its shapes.</summary>
    public static void Bind(IConfiguration configuration, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var section = configuration.GetSection(StorageOptions.SectionName);
        section.Bind(options);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            options.ConnectionString = section.Value;
        }

        options.BlobServiceUri ??= Uri.TryCreate(section["blobServiceUri"], UriKind.Absolute, out var uri) ? uri : null;
        options.TableServiceUri ??= Uri.TryCreate(section["tableServiceUri"], UriKind.Absolute, out var table) ? table : null;
    }

    /// <summary>True when <see cref="Create"/> would succeed (used to validate settings at start-up).</summary>
    public static bool CanCreate(StorageOptions options)
    {
        try
        {
            Create(options);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    public static BlobServiceClient Create(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = new BlobClientOptions();

        // Fail fast: a request that cannot reach storage should surface in seconds, not after the SDK's
        // default minute-long retry ladder, so serving can answer 503 and training can report it.
        // The network timeout bounds each wait for a response or the next chunk of one (not a whole
        // download), so a hung endpoint costs tens of seconds in the background, not minutes.
        clientOptions.Retry.MaxRetries = 3;
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new BlobServiceClient(options.ConnectionString, clientOptions);
        }

        if (options.BlobServiceUri is null)
        {
            throw new InvalidOperationException(
                "Setting 'ModelStorage' is missing: give a connection string (ModelStorage) or an endpoint (ModelStorage__blobServiceUri).");
        }

        return new BlobServiceClient(options.BlobServiceUri, Credential(options), clientOptions);
    }

    /// <summary>The identity the app reaches storage with when the setting is an endpoint.</summary>
    internal static TokenCredential Credential(StorageOptions options) =>
        string.Equals(options.Credential, "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(string.IsNullOrWhiteSpace(options.ClientId)
                ? ManagedIdentityId.SystemAssigned
                : ManagedIdentityId.FromUserAssignedClientId(options.ClientId))
            : new DefaultAzureCredential();
}
