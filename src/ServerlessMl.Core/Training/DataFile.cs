namespace ServerlessMl.Training;

/// <summary>One daily file of a training run, downloaded (or found) on local disk.</summary>
internal sealed record DataFile(string BlobName, string ETag, DateOnly Day, string LocalPath)
{
    public long Rows { get; init; }

    /// <summary>Valid rows the model's row filter left out of training.</summary>
    public long DroppedRows { get; init; }

    public string Sha256 { get; init; } = string.Empty;
}
