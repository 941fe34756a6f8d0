using System.Globalization;
using ServerlessMl.Definitions;

namespace ServerlessMl.Training;

/// <summary>
/// Data files on local disk, for the CLI and tests: a folder of daily files, or one whole file.
/// A whole file is split by the format's day column when it has one (the same split
/// <c>data upload</c> uses), or is one drop on the given day when the data has no days.
/// </summary>
internal static class LocalDataFiles
{
    /// <summary>
    /// Finds daily files under <paramref name="source"/> (named <c>YYYY-MM-DD.&lt;ext&gt;</c> or
    /// <c>YYYY/MM/DD.&lt;ext&gt;</c>), or opens <paramref name="source"/> as one file: split by day into
    /// <paramref name="scratch"/>, or taken whole as the drop of <paramref name="day"/> (default: today, UTC).
    /// </summary>
    public static IReadOnlyList<DataFile> Open(string source, string scratch, DataFormat format, DateOnly? day = null)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (File.Exists(source))
        {
            if (format.DayColumn is not null)
            {
                return SplitByDay(source, scratch, format);
            }

            var drop = day ?? DateOnly.FromDateTime(DateTime.UtcNow);
            return [new DataFile(Path.GetFileName(source), "local", drop, Path.GetFullPath(source))];
        }

        if (!Directory.Exists(source))
        {
            throw new FileNotFoundException($"No file or folder at '{source}'.", source);
        }

        var files = new List<DataFile>();
        foreach (var path in Directory.EnumerateFiles(source, "*." + format.Extension, SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, path).Replace('\\', '/');
            var fileDay = ParseDay(relative, format.Extension)
                ?? throw new DataValidationException(relative, null, $"the name is not a day; expected YYYY-MM-DD.{format.Extension} or YYYY/MM/DD.{format.Extension}");
            files.Add(new DataFile(relative, "local", fileDay, path));
        }

        if (files.Count == 0)
        {
            throw new FileNotFoundException($"no drops found in {Path.GetFullPath(source)}: expected yyyy-MM-dd.{format.Extension} (or yyyy/MM/dd.{format.Extension}) files", source);
        }

        return [.. files.OrderBy(f => f.Day)];
    }

    /// <summary>Writes one file per day (the format's day column) with the original header; returns them oldest first.</summary>
    public static IReadOnlyList<DataFile> SplitByDay(string path, string folder, DataFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        var column = format.DayColumn ?? throw new ArgumentException("the format has no day column", nameof(format));
        Directory.CreateDirectory(folder);
        var fileName = Path.GetFileName(path);
        using var reader = new StreamReader(path);
        var header = format.Header is null ? null : reader.ReadLine() ?? throw new DataValidationException(fileName, null, "the file is empty");
        var columnName = format.Header is { } names && column < names.Count ? $"column {column + 1} ({names[column]})" : $"column {column + 1}";
        var days = new SortedDictionary<DateOnly, DataFile>();
        StreamWriter? writer = null;
        DateOnly? current = null;
        long row = 0;
        try
        {
            for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
            {
                if (line.Length == 0)
                {
                    continue;
                }

                row++;
                var day = DayField(line, format.Separator, column) ?? throw new DataValidationException(fileName, row, $"{columnName} is not a date yyyy-MM-dd");
                if (day != current)
                {
                    writer?.Dispose();
                    var dayPath = Path.Combine(folder, $"{day:yyyy-MM-dd}.{format.Extension}");
                    var existed = days.ContainsKey(day);
                    writer = new StreamWriter(dayPath, append: existed) { NewLine = "\n" };
                    if (!existed)
                    {
                        if (header is not null)
                        {
                            writer.WriteLine(header);
                        }

                        days[day] = new DataFile(fileName + "#" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "local", day, dayPath);
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

    private static DateOnly? DayField(string line, char separator, int column)
    {
        var start = 0;
        for (var i = 0; i < column; i++)
        {
            start = line.IndexOf(separator, start) + 1;
            if (start == 0)
            {
                return null;
            }
        }

        var end = line.IndexOf(separator, start);
        var field = end < 0 ? line.AsSpan(start) : line.AsSpan(start, end - start);
        return DateOnly.TryParseExact(field, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
    }

    private static DateOnly? ParseDay(string relativePath, string extension)
    {
        var suffix = "." + extension;
        var text = relativePath.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) ? relativePath[..^suffix.Length] : relativePath;
        text = text.Replace('/', '-');
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
    }
}
