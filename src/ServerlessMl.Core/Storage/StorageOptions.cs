namespace ServerlessMl.Storage;

/// <summary>
/// Where models and training data live. Read from the <c>ModelStorage</c> setting, in the same two
/// shapes the Functions host accepts for its own connections: a connection string (local,
/// Azurite) or, in Azure, <c>ModelStorage__blobServiceUri</c> with a managed identity.
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "ModelStorage";

    /// <summary>A connection string, when the setting is a plain value.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The blob endpoint, for identity-based access.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary><c>managedidentity</c> to use a managed identity; otherwise the default credential chain.</summary>
    public string? Credential { get; set; }

    /// <summary>Client id of a user-assigned managed identity.</summary>
    public string? ClientId { get; set; }

    public string TrainingContainer { get; set; } = "training-data";

    public string ModelsContainer { get; set; } = "models";
}
