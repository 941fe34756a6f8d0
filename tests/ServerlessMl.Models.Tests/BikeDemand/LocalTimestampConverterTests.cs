using ServerlessMl.Definitions;
using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using ServerlessMl.Models.BikeDemand;

namespace ServerlessMl.Models.Tests.BikeDemand;

/// <summary>
/// The request type read as a library user reads it, from bytes that arrive in pieces: a token split
/// across buffer segments reaches the converter as a value sequence, not a value span.
/// </summary>
public sealed class LocalTimestampConverterTests
{
    private const string Body = """{"timestamp":"2011-05-02T08:00:00","weather":1,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}""";

    public static TheoryData<string, int> Timestamps() => new()
    {
        { "2011-05-02T08:00:00", 8 },
        { "2011-05-02T17:30:00.25", 17 },
        { @"2011-05-02\u005408:00:00", 8 },
    };

    [Theory]
    [MemberData(nameof(Timestamps))]
    public void A_timestamp_split_across_segments_is_read(string timestamp, int hour)
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var reader = new Utf8JsonReader(Segmented(Encoding.UTF8.GetBytes(Body.Replace("2011-05-02T08:00:00", timestamp, StringComparison.Ordinal)), seed));

            var request = JsonSerializer.Deserialize<BikeDemandRequest>(ref reader);

            Assert.Equal(hour, request!.Timestamp!.Value.DateTime.Hour);
        }
    }

    [Theory]
    [MemberData(nameof(Timestamps))]
    public async Task A_timestamp_read_from_a_pipe_in_small_pieces_is_read(string timestamp, int hour)
    {
        var pipe = new Pipe(new PipeOptions(minimumSegmentSize: 1));
        var bytes = Encoding.UTF8.GetBytes(Body.Replace("2011-05-02T08:00:00", timestamp, StringComparison.Ordinal));
        var random = new Random(7);
        var writing = Task.Run(async () =>
        {
            for (var at = 0; at < bytes.Length;)
            {
                var size = Math.Min(random.Next(1, 8), bytes.Length - at);
                await pipe.Writer.WriteAsync(bytes.AsMemory(at, size));
                at += size;
            }

            await pipe.Writer.CompleteAsync();
        });

        var request = await JsonSerializer.DeserializeAsync<BikeDemandRequest>(pipe.Reader);
        await writing;

        Assert.Equal(hour, request!.Timestamp!.Value.DateTime.Hour);
    }

    [Theory]
    [InlineData("2011-05-02", "has no time of day")]
    [InlineData("2011-05-02T08:00:00Z", "local time without an offset")]
    [InlineData("2011-05-02T08:00:00+14:00", "local time without an offset")]
    public void A_refused_timestamp_is_refused_however_it_is_split(string timestamp, string message)
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var bytes = Encoding.UTF8.GetBytes(Body.Replace("2011-05-02T08:00:00", timestamp, StringComparison.Ordinal));

            var error = Assert.ThrowsAny<JsonException>(() =>
            {
                var reader = new Utf8JsonReader(Segmented(bytes, seed));
                JsonSerializer.Deserialize<BikeDemandRequest>(ref reader);
            });

            Assert.Contains(message, error.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>The bytes as a sequence of segments of 1 to 7 bytes, sized by <paramref name="seed"/>.</summary>
    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int seed)
    {
        var random = new Random(seed);
        Segment? first = null;
        Segment? last = null;
        for (var at = 0; at < bytes.Length;)
        {
            var size = Math.Min(random.Next(1, 8), bytes.Length - at);
            var segment = new Segment(bytes.AsMemory(at, size), last?.RunningIndex + last?.Memory.Length ?? 0);
            if (last is null)
            {
                first = segment;
            }
            else
            {
                last.Next = segment;
            }

            last = segment;
            at += size;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public new Segment? Next
        {
            get => (Segment?)base.Next;
            set => base.Next = value;
        }
    }
}
