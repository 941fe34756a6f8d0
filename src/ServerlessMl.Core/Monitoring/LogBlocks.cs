using System.Buffers;
using System.Text.Json;

namespace ServerlessMl.Monitoring;

/// <summary>
/// Lines waiting to be appended, grouped by the blob they go to (model and UTC hour) and cut into
/// blocks of whole lines no larger than one append can carry, with the items each block holds.
/// Kept by the writer from append to append: <see cref="Clear"/> keeps the line buffer and the
/// blocks' memory.
/// </summary>
internal sealed class LogBlocks
{
    // Enough for the usual append (one blob per model and hour) while a burst's many blocks are not kept for ever.
    private const int MaxSpare = 4;

    private readonly Dictionary<(string Model, DateTimeOffset Hour), List<LogBlock>> _blobs = [];
    private readonly Stack<LogBlock> _spare = new();
    private readonly ArrayBufferWriter<byte> _line = new(1024);
    private readonly Utf8JsonWriter _json;
    private readonly int _maxBytes;
    private long _bytes;
    private bool _blockFilled;

    /// <param name="maxBytes">Bytes held before <see cref="Full"/> says to append them.</param>
    public LogBlocks(int maxBytes = LogBlobAppender.MaxBlockBytes)
    {
        _json = new Utf8JsonWriter(_line);
        _maxBytes = maxBytes;
    }

    /// <summary>True when a block can take no more lines or all blocks together hold as much as they should before being appended.</summary>
    public bool Full => _blockFilled || _bytes >= _maxBytes;

    /// <summary>True when no line waits.</summary>
    public bool IsEmpty => _bytes == 0;

    public IEnumerable<(string Model, DateTimeOffset Hour, IReadOnlyList<LogBlock> Blocks)> Blobs
    {
        get
        {
            foreach (var (key, blocks) in _blobs)
            {
                yield return (key.Model, key.Hour, blocks);
            }
        }
    }

    /// <summary>The writer of a new line, emptied of whatever an unfinished line left in it.</summary>
    public Utf8JsonWriter BeginLine()
    {
        _line.ResetWrittenCount();
        _json.Reset(_line);
        return _json;
    }

    /// <summary>Adds the line written since <see cref="BeginLine"/>; false when the line alone is larger than a block and cannot be written.</summary>
    public bool EndLine(string model, DateTimeOffset time)
    {
        _json.Flush();
        _line.Write("\n"u8);
        if (_line.WrittenCount > LogBlobAppender.MaxBlockBytes)
        {
            return false;
        }

        var hour = new DateTimeOffset(time.UtcDateTime.Date.AddHours(time.UtcDateTime.Hour), TimeSpan.Zero);
        if (!_blobs.TryGetValue((model, hour), out var blocks))
        {
            _blobs[(model, hour)] = blocks = [Take()];
        }

        if (blocks[^1].Bytes.Length + _line.WrittenCount > LogBlobAppender.MaxBlockBytes)
        {
            blocks.Add(Take());
            _blockFilled = true;
        }

        _bytes += _line.WrittenCount;

        blocks[^1].Bytes.Write(_line.WrittenSpan);
        blocks[^1].Items++;
        return true;
    }

    /// <summary>Forgets the lines, keeping their blocks for the next ones.</summary>
    public void Clear()
    {
        foreach (var blocks in _blobs.Values)
        {
            foreach (var block in blocks)
            {
                if (_spare.Count < MaxSpare)
                {
                    block.Bytes.SetLength(0);
                    block.Items = 0;
                    _spare.Push(block);
                }
            }
        }

        _blobs.Clear();
        _bytes = 0;
        _blockFilled = false;
    }

    private LogBlock Take() => _spare.TryPop(out var block) ? block : new LogBlock();
}

/// <summary>Whole lines for one append, and how many items they are.</summary>
internal sealed class LogBlock
{
    public MemoryStream Bytes { get; } = new();

    public int Items { get; set; }
}
