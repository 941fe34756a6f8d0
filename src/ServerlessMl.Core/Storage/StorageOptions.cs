namespace ServerlessMl.Storage;

/// <summary>
/// Where models and training data live. Read from the <c>ModelStorage</c> setting, in the same two
/// shapes the Functions host accepts for its own connections: a connection string (local,
/// Azurite) or, in Azure, <c>ModelStorage__blobServiceUri</c> with a managed identity.
/// </summary>
internal sealed class StorageOptions
{
    public const string SectionName = "ModelStorage";

    /// <summary>A connection string, when the setting is a plain value.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The blob endpoint, for identity-based access.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>The table endpoint, for identity-based access to the predictions table.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary><c>managedidentity</c> to use a managed identity; otherwise the default credential chain.</summary>
    public string? Credential { get; set; }

    /// <summary>Client id of a user-assigned managed identity.</summary>
    public string? ClientId { get; set; }

    public string TrainingContainer { get; set; } = "training-data";

    public string ModelsContainer { get; set; } = "models";

    /// <summary>
    /// Longest anyone waits on storage for one step on a caller's time (a first model load, a due
    /// champion check, a registry read, the retrain job's first contact) before the answer is 503
    /// with Retry-After; background work keeps its own, longer budget.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 5;

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    /// <summary>A token cancelled after <see cref="Timeout"/> or when <paramref name="cancellationToken"/> is.</summary>
    public CancellationTokenSource Deadline(CancellationToken cancellationToken)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        return deadline;
    }
}
