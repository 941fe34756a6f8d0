namespace ServerlessMl.Storage;

/// <summary>A private temporary folder for one run's downloaded or split files, deleted on dispose.</summary>
internal sealed class ScratchFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "serverless-ml", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Scratch space only; the OS cleans the temp folder eventually.
        }
    }
}
