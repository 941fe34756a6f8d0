using System.Globalization;
using System.Text.RegularExpressions;

namespace ServerlessMl.Cli.Score;

/// <summary>One file to score: where it is, the name its rows are listed under, and the day its rows fall on unless they name their own.</summary>
internal sealed record ScoreInput(string Path, string Name, DateOnly Day, long SizeBytes);

/// <summary>
/// The files <c>score --input</c> names: one file, or every file with the model's scoring extension
/// in a folder and the folders under it, in path order. A file's day is the one its name gives when
/// it is named as a scoring drop (<c>yyyy-MM-dd[-name].ext</c>, or <c>dd[-name].ext</c> under
/// <c>yyyy/MM</c> folders, as in the scoring container), else the fallback day.
/// </summary>
internal static partial class ScoreInputs
{
    /// <param name="fallbackDay">The day of a file whose name gives none.</param>
    /// <param name="exclude">A full path never to read (the output, when it lies in the folder).</param>
    public static IReadOnlyList<ScoreInput> Find(string input, string extension, DateOnly fallbackDay, string? exclude)
    {
        ArgumentException.ThrowIfNullOrEmpty(input);
        if (File.Exists(input))
        {
            var full = Path.GetFullPath(input);
            return [new ScoreInput(full, input, DayIn(full, extension) ?? fallbackDay, new FileInfo(full).Length)];
        }

        if (!Directory.Exists(input))
        {
            throw new FileNotFoundException($"No file or folder at '{input}'.", input);
        }

        var files = Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories)
            .Where(p => string.Equals(Path.GetExtension(p), "." + extension, StringComparison.Ordinal))
            .Select(Path.GetFullPath)
            .Where(p => !string.Equals(p, exclude, StringComparison.Ordinal))
            .Select(p => (Full: p, Relative: Path.GetRelativePath(input, p).Replace('\\', '/')))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .Select(f => new ScoreInput(f.Full, Path.Join(input, f.Relative), DayIn(f.Full, extension) ?? fallbackDay, new FileInfo(f.Full).Length))
            .ToList();
        return files.Count > 0 ? files
            : throw new FileNotFoundException($"no .{extension} files in {Path.GetFullPath(input)}: a folder to score holds the model's scoring drops (*.{extension})", input);
    }

    /// <summary>The day a drop's name gives: <c>…/yyyy-MM-dd[-name].ext</c> or <c>…/yyyy/MM/dd[-name].ext</c>; null for any other name.</summary>
    public static DateOnly? DayIn(string path, string extension)
    {
        ArgumentNullException.ThrowIfNull(path);
        var match = DropName().Match(path.Replace('\\', '/'));
        return match.Success
            && string.Equals(match.Groups["ext"].Value, extension, StringComparison.Ordinal)
            && DateOnly.TryParseExact($"{match.Groups["y"].Value}-{match.Groups["m"].Value}-{match.Groups["d"].Value}", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                ? day
                : null;
    }

    // The name part is the scoring container's (DailyBlobName): letters, digits, '_', '.', '-'.
    [GeneratedRegex(@"(?:^|/)(?<y>\d{4})(?<sep>[-/])(?<m>\d{2})\k<sep>(?<d>\d{2})(?:-[A-Za-z0-9_.-]{1,100})?\.(?<ext>[A-Za-z0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex DropName();
}
