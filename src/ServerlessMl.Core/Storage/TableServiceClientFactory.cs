using Azure.Data.Tables;

namespace ServerlessMl.Storage;

/// <summary>
/// Builds the <see cref="TableServiceClient"/> of the same storage account as the blobs: from the
/// <c>ModelStorage</c> connection string, or <c>ModelStorage__tableServiceUri</c> with the same identity.
/// </summary>
internal static class TableServiceClientFactory
{
    public static TableServiceClient Create(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // The same fail-fast budget as the blob client's (see BlobServiceClientFactory).
        var clientOptions = new TableClientOptions();
        clientOptions.Retry.MaxRetries = 3;
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new TableServiceClient(options.ConnectionString, clientOptions);
        }

        if (options.TableServiceUri is null)
        {
            throw new InvalidOperationException(
                "Setting 'ModelStorage__tableServiceUri' is missing: precomputed predictions are stored in the storage account's table service.");
        }

        return new TableServiceClient(options.TableServiceUri, BlobServiceClientFactory.Credential(options), clientOptions);
    }
}
