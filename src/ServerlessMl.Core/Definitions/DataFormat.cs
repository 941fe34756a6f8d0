namespace ServerlessMl.Definitions;

/// <summary>
/// How a model's data files are written: the blob extension (<c>&lt;model&gt;/YYYY/MM/DD.&lt;ext&gt;</c>),
/// the separator, the header every file must start with (null: no header row), and the column
/// holding each row's day (yyyy-MM-dd), by which one big local file is split into daily drops
/// (null: the data has no days, and a file is one drop).
/// </summary>
public sealed record DataFormat(string Extension, char Separator, IReadOnlyList<string>? Header, int? DayColumn = null, bool AllowQuoting = false)
{
    public static DataFormat Csv(IReadOnlyList<string> header, int? dayColumn = null) => new("csv", ',', header, dayColumn);

    /// <summary>Tab-separated, no header: e.g. <c>label&lt;TAB&gt;text</c>.</summary>
    public static DataFormat Tsv() => new("tsv", '\t', null);

    /// <summary>How ML.NET's text loader reads files in this format: the one place every reader takes it from.</summary>
    internal Microsoft.ML.Data.TextLoader.Options LoaderOptions() => new()
    {
        Separators = [Separator],
        HasHeader = Header is not null,
        AllowQuoting = AllowQuoting,
        TrimWhitespace = Separator != '\t',

        // Empty numeric fields load as NaN (not ML.NET's default of 0) so validation can refuse them.
        MissingRealsAsNaNs = true,
    };
}
