namespace ServerlessMl.Definitions;

/// <summary>
/// Training data that must not be trained on. The message names the blob and, where one row is
/// at fault, the row (1 = first data row after the header) so the sender can fix the file.
/// </summary>
internal sealed class DataValidationException : Exception
{
    public DataValidationException(string blobName, long? row, string problem)
        : base(row is null ? $"{blobName}: {problem}" : $"{blobName}, row {row}: {problem}")
    {
        BlobName = blobName;
        Row = row;
        Problem = problem;
    }

    public DataValidationException()
    {
        BlobName = string.Empty;
        Problem = string.Empty;
    }

    public DataValidationException(string message)
        : base(message)
    {
        BlobName = string.Empty;
        Problem = message;
    }

    public DataValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        BlobName = string.Empty;
        Problem = message;
    }

    public string BlobName { get; }

    public long? Row { get; }

    public string Problem { get; }
}
