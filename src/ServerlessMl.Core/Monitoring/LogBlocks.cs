using System.Buffers;
using System.Text.Json;

namespace ServerlessMl.Monitoring;

/// <summary>
/// One flush's lines, grouped by the blob they go to (model and UTC hour) and cut into blocks of
/// whole lines no larger than one append can carry, with the items each block holds.
/// </summary>
internal sealed class LogBlocks
{
    private readonly Dictionary<(string Model, DateTimeOffset Hour), List<LogBlock>> _blobs = [];
    private readonly ArrayBufferWriter<byte> _line = new(1024);
    private readonly Utf8JsonWriter _json;

    public LogBlocks() => _json = new Utf8JsonWriter(_line);

    public IEnumerable<(string Model, DateTimeOffset Hour, IReadOnlyList<LogBlock> Blocks)> Blobs =>
        _blobs.Select(b => (b.Key.Model, b.Key.Hour, (IReadOnlyList<LogBlock>)b.Value));

    /// <summary>Adds one line; false when the line alone is larger than a block and cannot be written.</summary>
    public bool Add(string model, DateTimeOffset time, LoggedPrediction line)
    {
        _line.ResetWrittenCount();
        _json.Reset(_line);
        JsonSerializer.Serialize(_json, line, LogJson.Options);
        _json.Flush();
        _line.Write("\n"u8);
        if (_line.WrittenCount > LogBlobAppender.MaxBlockBytes)
        {
            return false;
        }

        var hour = new DateTimeOffset(time.UtcDateTime.Date.AddHours(time.UtcDateTime.Hour), TimeSpan.Zero);
        if (!_blobs.TryGetValue((model, hour), out var blocks))
        {
            _blobs[(model, hour)] = blocks = [new LogBlock()];
        }

        if (blocks[^1].Bytes.Length + _line.WrittenCount > LogBlobAppender.MaxBlockBytes)
        {
            blocks.Add(new LogBlock());
        }

        blocks[^1].Bytes.Write(_line.WrittenSpan);
        blocks[^1].Items++;
        return true;
    }
}

/// <summary>Whole lines for one append, and how many items they are.</summary>
internal sealed class LogBlock
{
    public MemoryStream Bytes { get; } = new();

    public int Items { get; set; }
}
