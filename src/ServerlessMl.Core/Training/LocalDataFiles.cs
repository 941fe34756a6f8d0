using System.Globalization;

namespace ServerlessMl.Training;

/// <summary>
/// Daily files on local disk, for the offline CLI and tests: a folder of daily files, or one
/// whole <c>hour.csv</c> that is split by day first (the same split <c>data upload</c> uses).
/// </summary>
public static class LocalDataFiles
{
    /// <summary>
    /// Finds daily files under <paramref name="source"/> (named <c>YYYY-MM-DD.csv</c> or <c>YYYY/MM/DD.csv</c>),
    /// or, when <paramref name="source"/> is a single CSV, splits it by day into <paramref name="scratch"/>.
    /// </summary>
    public static IReadOnlyList<DataFile> Open(string source, string scratch)
    {
        if (File.Exists(source))
        {
            return SplitByDay(source, scratch);
        }

        if (!Directory.Exists(source))
        {
            throw new FileNotFoundException($"No file or folder at '{source}'.", source);
        }

        var files = new List<DataFile>();
        foreach (var path in Directory.EnumerateFiles(source, "*.csv", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, path).Replace('\\', '/');
            var day = ParseDay(relative) ?? throw new DataValidationException(relative, null, "the name is not a day; expected YYYY-MM-DD.csv or YYYY/MM/DD.csv");
            files.Add(new DataFile(relative, "local", day, path));
        }

        return [.. files.OrderBy(f => f.Day)];
    }

    /// <summary>Writes one file per <c>dteday</c> (the second column) with the original header; returns them oldest first.</summary>
    public static IReadOnlyList<DataFile> SplitByDay(string csvPath, string folder)
    {
        Directory.CreateDirectory(folder);
        var fileName = Path.GetFileName(csvPath);
        using var reader = new StreamReader(csvPath);
        var header = reader.ReadLine() ?? throw new DataValidationException(fileName, null, "the file is empty");
        var days = new SortedDictionary<DateOnly, DataFile>();
        StreamWriter? writer = null;
        DateOnly? current = null;
        long lineNumber = 1;
        try
        {
            for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
            {
                lineNumber++;
                if (line.Length == 0)
                {
                    continue;
                }

                var day = DayField(line) ?? throw new DataValidationException(fileName, lineNumber - 1, "the second column (dteday) is not a date yyyy-MM-dd");
                if (day != current)
                {
                    writer?.Dispose();
                    var path = Path.Combine(folder, $"{day:yyyy-MM-dd}.csv");
                    var existed = days.ContainsKey(day);
                    writer = new StreamWriter(path, append: existed) { NewLine = "\n" };
                    if (!existed)
                    {
                        writer.WriteLine(header);
                        days[day] = new DataFile(fileName + "#" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "local", day, path);
                    }

                    current = day;
                }

                writer!.WriteLine(line);
            }
        }
        finally
        {
            writer?.Dispose();
        }

        return [.. days.Values];
    }

    private static DateOnly? DayField(string line)
    {
        var first = line.IndexOf(',', StringComparison.Ordinal);
        var second = first < 0 ? -1 : line.IndexOf(',', first + 1);
        if (second < 0)
        {
            return null;
        }

        return DateOnly.TryParseExact(line.AsSpan(first + 1, second - first - 1), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : null;
    }

    private static DateOnly? ParseDay(string relativePath)
    {
        var text = relativePath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? relativePath[..^4] : relativePath;
        text = text.Replace('/', '-');
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
    }
}
