namespace ServerlessMl.Cli.Arguments;

/// <summary>
/// Checks that a command can write where it was told to before it starts its work, so a mistyped
/// or unwritable output costs a second, not a whole training run. Creates nothing.
/// </summary>
internal static class OutputPath
{
    /// <returns>The full path.</returns>
    public static string Require(string option, string path, bool folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        if (folder ? File.Exists(full) : Directory.Exists(full))
        {
            throw Refused(option, full, $"it is a {(folder ? "file" : "folder")}");
        }

        // The nearest folder that exists is where the missing ones would be created.
        var existing = folder ? full : Path.GetDirectoryName(full);
        while (existing is not null && !Directory.Exists(existing))
        {
            if (File.Exists(existing))
            {
                throw Refused(option, full, $"{existing} is a file, not a folder");
            }

            existing = Path.GetDirectoryName(existing);
        }

        if (existing is null)
        {
            throw Refused(option, full, "no folder on its path exists");
        }

        try
        {
            using var probe = new FileStream(Path.Combine(existing, $".serverless-ml-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw Refused(option, full, $"{existing} is not writable ({ex.Message})");
        }

        return full;
    }

    private static CliException Refused(string option, string full, string reason) =>
        new($"{option}: cannot write {full}: {reason}");
}
