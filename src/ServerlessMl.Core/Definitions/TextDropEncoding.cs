using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace ServerlessMl.Definitions;

/// <summary>
/// A drop must be UTF-8 text: ML.NET's text loader reads invalid bytes as U+FFFD and a NUL as a
/// character, and would train on them without a word. Reads the raw bytes line by line and names
/// the first bad one by its line, and by its row as the loader counts rows (it skips empty lines,
/// lines starting with <c>//</c>, and lines starting with <c>#</c> before the first one it reads),
/// so the row agrees with every other check's.
/// </summary>
internal static class TextDropEncoding
{
    /// <summary>Throws <see cref="DataValidationException"/> for the first line with a NUL byte or bytes that are not UTF-8.</summary>
    public static void Check(string localPath, string blobName, bool hasHeader)
    {
        using var stream = File.OpenRead(localPath);
        var lines = new LineState(blobName, hasHeader);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var carried = new ArrayBufferWriter<byte>();
        var afterCarriageReturn = false;
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                var chunk = buffer.AsSpan(0, read);

                // "\r\n" split across two reads is one line break, as StreamReader.ReadLine sees it.
                if (afterCarriageReturn && chunk[0] == (byte)'\n')
                {
                    chunk = chunk[1..];
                }

                afterCarriageReturn = SplitLines(chunk, carried, lines);
            }

            if (carried.WrittenCount > 0)
            {
                lines.Next(carried.WrittenSpan);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Hands each whole line of <paramref name="chunk"/> to <paramref name="lines"/>, the first one
    /// joined to what <paramref name="carried"/> holds from the reads before, and keeps the unended
    /// rest there. True when the chunk ends with "\r", whose "\n" may open the next read.
    /// </summary>
    private static bool SplitLines(ReadOnlySpan<byte> chunk, ArrayBufferWriter<byte> carried, LineState lines)
    {
        var afterCarriageReturn = false;
        for (var end = chunk.IndexOfAny((byte)'\r', (byte)'\n'); end >= 0; end = chunk.IndexOfAny((byte)'\r', (byte)'\n'))
        {
            if (carried.WrittenCount > 0)
            {
                carried.Write(chunk[..end]);
                lines.Next(carried.WrittenSpan);
                carried.ResetWrittenCount();
            }
            else
            {
                lines.Next(chunk[..end]);
            }

            if (chunk[end] == (byte)'\r')
            {
                if (end + 1 == chunk.Length)
                {
                    afterCarriageReturn = true;
                }
                else if (chunk[end + 1] == (byte)'\n')
                {
                    end++;
                }
            }

            chunk = chunk[(end + 1)..];
        }

        carried.Write(chunk);
        return afterCarriageReturn;
    }

    /// <summary>Where the first byte that does not start a valid UTF-8 sequence is, or null.</summary>
    private static int? FirstInvalid(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
        {
            return null;
        }

        var offset = 0;
        while (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) == OperationStatus.Done)
        {
            offset += consumed;
        }

        return offset;
    }

    /// <summary>Counts lines and the loader's rows, and checks each line's bytes.</summary>
    private sealed class LineState(string blobName, bool hasHeader)
    {
        private static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];
        private long _line;
        private long _rows;
        private bool _started;

        public void Next(ReadOnlySpan<byte> bytes)
        {
            _line++;
            var offset = 0;
            if (_line == 1 && bytes.StartsWith(ByteOrderMark))
            {
                offset = ByteOrderMark.Length;
                bytes = bytes[offset..];
            }

            var skipped = bytes.IsEmpty || bytes.StartsWith("//"u8) || (!_started && bytes[0] == (byte)'#');
            var header = !skipped && !_started && hasHeader;
            _started |= !skipped;
            long? row = skipped || header ? null : ++_rows;

            var problem = bytes.IndexOf((byte)0) is var nul and >= 0
                ? string.Create(CultureInfo.InvariantCulture, $"a NUL byte on line {_line}, byte {offset + nul + 1}; a drop must be UTF-8 text (saved as UTF-16, every other byte is NUL)")
                : FirstInvalid(bytes) is { } invalid
                    ? string.Create(CultureInfo.InvariantCulture, $"invalid UTF-8 on line {_line}, byte {offset + invalid + 1} (0x{bytes[invalid]:X2}); save the file as UTF-8")
                    : null;
            if (problem is not null)
            {
                throw new DataValidationException(blobName, row, header ? "the header has " + problem : problem);
            }
        }
    }
}
