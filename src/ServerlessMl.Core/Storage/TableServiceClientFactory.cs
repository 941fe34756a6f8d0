using Azure.Data.Tables;

namespace ServerlessMl.Storage;

/// <summary>
/// Builds the <see cref="TableServiceClient"/> of the predictions table: <c>ModelStorage__tableServiceUri</c>
/// with the app's identity when set, else the table endpoint of the <c>ModelStorage</c> connection string.
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

        // An endpoint wins over the connection string's own table endpoint: it may be another
        // service that speaks the same protocol (Azure Cosmos DB for Table).
        if (options.TableServiceUri is not null)
        {
            return new TableServiceClient(options.TableServiceUri, BlobServiceClientFactory.Credential(options), clientOptions);
        }

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new TableServiceClient(options.ConnectionString, clientOptions);
        }

        throw new InvalidOperationException(
            "Setting 'ModelStorage__tableServiceUri' is missing: precomputed predictions are stored in the storage account's table service.");
    }
}
