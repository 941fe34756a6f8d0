using System.Text.Json;

namespace ServerlessMl.Monitoring;

/// <summary>
/// Appends what the feedback route received to the feedback log, one append blob per model, UTC
/// hour and instance (<see cref="LogBlobNames.Hourly"/>), continued in the next part when its block
/// count is used up. One request is one block, so its lines are stored together or not at all.
/// </summary>
internal sealed class FeedbackLog(LogBlobAppender appender)
{
    /// <summary>Appends <paramref name="records"/> to the blob of the hour of <paramref name="time"/>, creating the container and blob when missing.</summary>
    /// <remarks>Storage failures propagate; each storage call has the storage deadline.</remarks>
    public async Task AppendAsync(string model, DateTimeOffset time, IReadOnlyList<FeedbackRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        using var lines = Lines(records);
        await appender.AppendAsync(model, time, lines, cancellationToken);
    }

    private static MemoryStream Lines(IReadOnlyList<FeedbackRecord> records)
    {
        var buffer = new MemoryStream();
        foreach (var record in records)
        {
            JsonSerializer.Serialize(buffer, record, LogJson.Options);
            buffer.WriteByte((byte)'\n');
        }

        return buffer;
    }
}
