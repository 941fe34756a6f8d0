using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ServerlessMl.Cli.Score;

/// <summary>
/// Writes scored rows as they come, one at a time, holding none: columns key, day, version, the
/// model's answer fields, source and row. Numbers are written in the invariant culture and in full
/// (they read back to the same double), so a file compares exactly with what the job stores.
/// </summary>
internal abstract class ScoreWriter : IDisposable
{
    protected ScoreWriter(IReadOnlyList<string> fieldNames) => FieldNames = fieldNames;

    protected IReadOnlyList<string> FieldNames { get; }

    /// <summary>CSV with a header, or JSON lines when <paramref name="jsonLines"/>; the writer owns <paramref name="stream"/>.</summary>
    public static ScoreWriter Create(Stream stream, bool jsonLines, IReadOnlyList<string> fieldNames) =>
        jsonLines ? new JsonLinesScoreWriter(stream, fieldNames) : new CsvScoreWriter(stream, fieldNames);

    public abstract void Write(string key, DateOnly day, string version, object[] fields, string source, long row);

    public abstract void Flush();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);
}

/// <summary>RFC 4180 CSV: a header line, a field quoted when it holds a comma, a quote or a line break (its quotes doubled), LF line ends.</summary>
internal sealed class CsvScoreWriter : ScoreWriter
{
    private static readonly char[] NeedsQuotes = [',', '"', '\r', '\n'];
    private readonly StreamWriter _text;

    public CsvScoreWriter(Stream stream, IReadOnlyList<string> fieldNames)
        : base(fieldNames)
    {
        _text = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        _text.WriteLine(string.Join(',', ["key", "day", "version", .. fieldNames.Select(Quoted), "source", "row"]));
    }

    public override void Write(string key, DateOnly day, string version, object[] fields, string source, long row)
    {
        WriteText(key);
        Span<char> buffer = stackalloc char[32];
        _text.Write(',');
        day.TryFormat(buffer, out var written, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        _text.Write(buffer[..written]);
        _text.Write(',');
        WriteText(version);
        foreach (var field in fields)
        {
            _text.Write(',');
            if (field is double number && number.TryFormat(buffer, out written, default, CultureInfo.InvariantCulture))
            {
                _text.Write(buffer[..written]);
            }
            else
            {
                WriteText(Convert.ToString(field, CultureInfo.InvariantCulture) ?? string.Empty);
            }
        }

        _text.Write(',');
        WriteText(source);
        _text.Write(',');
        row.TryFormat(buffer, out written, default, CultureInfo.InvariantCulture);
        _text.Write(buffer[..written]);
        _text.Write('\n');
    }

    public override void Flush() => _text.Flush();

    protected override void Dispose(bool disposing) => _text.Dispose();

    private void WriteText(string text)
    {
        if (text.AsSpan().IndexOfAny(NeedsQuotes) < 0)
        {
            _text.Write(text);
            return;
        }

        _text.Write('"');
        _text.Write(text.Replace("\"", "\"\"", StringComparison.Ordinal));
        _text.Write('"');
    }

    private static string Quoted(string text) =>
        text.AsSpan().IndexOfAny(NeedsQuotes) < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>One JSON object a line; a number that is not finite is written as a string ("NaN"), as the API writes it.</summary>
internal sealed class JsonLinesScoreWriter : ScoreWriter
{
    private readonly BufferedStream _stream;
    private readonly Utf8JsonWriter _json;
    private readonly JsonEncodedText[] _names;

    public JsonLinesScoreWriter(Stream stream, IReadOnlyList<string> fieldNames)
        : base(fieldNames)
    {
        _stream = new BufferedStream(stream, 1 << 16);
        _json = new Utf8JsonWriter(_stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        _names = [.. fieldNames.Select(n => JsonEncodedText.Encode(n))];
    }

    public override void Write(string key, DateOnly day, string version, object[] fields, string source, long row)
    {
        _json.WriteStartObject();
        _json.WriteString("key", key);
        _json.WriteString("day", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        _json.WriteString("version", version);
        for (var i = 0; i < fields.Length; i++)
        {
            switch (fields[i])
            {
                case double number when double.IsFinite(number):
                    _json.WriteNumber(_names[i], number);
                    break;
                case bool flag:
                    _json.WriteBoolean(_names[i], flag);
                    break;
                default:
                    _json.WriteString(_names[i], Convert.ToString(fields[i], CultureInfo.InvariantCulture));
                    break;
            }
        }

        _json.WriteString("source", source);
        _json.WriteNumber("row", row);
        _json.WriteEndObject();
        _json.Flush();
        _json.Reset();
        _stream.WriteByte((byte)'\n');
    }

    public override void Flush()
    {
        _json.Flush();
        _stream.Flush();
    }

    protected override void Dispose(bool disposing)
    {
        _json.Dispose();
        _stream.Dispose();
    }
}
