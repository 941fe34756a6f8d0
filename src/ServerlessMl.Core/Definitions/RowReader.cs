using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ServerlessMl.Definitions;

/// <summary>
/// Reads one model's data files with ML.NET's text loader and holds every row to the model's
/// rules: checks that fail the file (naming the row), and the filter that drops a row and counts it.
/// </summary>
internal sealed class RowReader<TRow>(DataFormat format, ModelDefinitionRules<TRow> rules)
    where TRow : class, new()
{
    public FileCheck Validate(MLContext ml, string localPath, string blobName, DateOnly day, DateOnly latestDay)
    {
        ArgumentNullException.ThrowIfNull(ml);
        TextDropEncoding.Check(localPath, blobName, hasHeader: format.Header is not null);
        CheckHeader(localPath, blobName);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long rowNumber = 0, dropped = 0;
        foreach (var row in ml.Data.CreateEnumerable<TRow>(Load(ml, localPath), reuseRowObject: true))
        {
            rowNumber++;
            if (RowProblem(row, day, latestDay, seen) is { } problem)
            {
                throw new DataValidationException(blobName, rowNumber, problem);
            }

            dropped += rules.Keep(row) ? 0 : 1;
        }

        if (rowNumber == 0)
        {
            throw new DataValidationException(blobName, null, format.Header is null ? "the file has no data rows" : "the file has a header but no data rows");
        }

        // Rows with days have named a future one already, at its row; data without days has only the drop's.
        if (LatestDataDay.Problem("the drop's day", day, latestDay) is { } futureDrop)
        {
            throw new DataValidationException(blobName, null, futureDrop);
        }

        return new FileCheck(rowNumber, dropped);
    }

    /// <summary>
    /// Every row of one file, in order, once its encoding and header are checked (a
    /// <see cref="DataValidationException"/> otherwise); the row object is reused from row to row.
    /// </summary>
    public IEnumerable<TRow> Rows(MLContext ml, string localPath, string blobName)
    {
        ArgumentNullException.ThrowIfNull(ml);
        TextDropEncoding.Check(localPath, blobName, hasHeader: format.Header is not null);
        CheckHeader(localPath, blobName);
        return ml.Data.CreateEnumerable<TRow>(Load(ml, localPath), reuseRowObject: true);
    }

    /// <summary>The rows of the files the model keeps, read lazily (ML.NET pulls them as a trainer reads).</summary>
    public IEnumerable<TRow> KeptRows(MLContext ml, IReadOnlyList<string> localPaths) =>
        ml.Data.CreateEnumerable<TRow>(Load(ml, new MultiFileSource([.. localPaths])), reuseRowObject: false).Where(rules.Keep);

    private string? RowProblem(TRow row, DateOnly day, DateOnly latestDay, HashSet<string> seen)
    {
        if (rules.Check(row) is { } problem)
        {
            return problem;
        }

        if (rules.DayOf(row) is { } rowDay)
        {
            if (LatestDataDay.Problem("date", rowDay, latestDay) is { } future)
            {
                return future;
            }

            if (rowDay != day)
            {
                return $"date {rowDay:yyyy-MM-dd} does not match the file's day {day:yyyy-MM-dd}";
            }
        }

        return rules.KeyOf(row) is { } key && !seen.Add(key) ? $"a second row for {key} on {day:yyyy-MM-dd}" : null;
    }

    private IDataView Load(MLContext ml, string localPath) => Load(ml, new MultiFileSource(localPath));

    private IDataView Load(MLContext ml, IMultiStreamSource source) =>
        ml.Data.CreateTextLoader<TRow>(format.LoaderOptions()).Load(source);

    private void CheckHeader(string localPath, string blobName)
    {
        if (format.Header is not { } expected)
        {
            return;
        }

        string? header;
        using (var reader = new StreamReader(localPath, Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
        {
            header = reader.ReadLine();
        }

        var separator = format.Separator.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            throw new DataValidationException(blobName, null, "the file is empty; expected the header " + string.Join(separator, expected));
        }

        var columns = header.Split(format.Separator).Select(c => c.Trim()).ToArray();
        if (!columns.SequenceEqual(expected, StringComparer.OrdinalIgnoreCase))
        {
            var missing = expected.Except(columns, StringComparer.OrdinalIgnoreCase).ToArray();
            var detail = missing.Length > 0 ? $"missing column(s) {string.Join(", ", missing)}" : "columns are out of order or extra";
            throw new DataValidationException(blobName, null, $"header does not match ({detail}); expected {string.Join(separator, expected)}");
        }
    }
}

/// <summary>A model's rules for its rows, as the reader applies them.</summary>
internal sealed record ModelDefinitionRules<TRow>(
    Func<TRow, string?> Check,
    Func<TRow, bool> Keep,
    Func<TRow, DateOnly?> DayOf,
    Func<TRow, string?> KeyOf);
