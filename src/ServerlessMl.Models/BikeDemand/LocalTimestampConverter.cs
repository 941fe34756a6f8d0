using System.Text.Json;
using System.Text.Json.Serialization;
using ServerlessMl.Http;

namespace ServerlessMl.Models.BikeDemand;

/// <summary>
/// Reads the request's timestamp: ISO 8601 with a time of day. A bare date would otherwise be read
/// as midnight, and a forecast for an hour the caller did not choose is worse than an error.
/// </summary>
public sealed class LocalTimestampConverter : JsonConverter<DateTimeOffset?>
{
    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw new RequestFieldException("must be a string with a date and a time, such as \"2011-05-02T08:00:00\"");
        }

        if (!reader.TryGetDateTimeOffset(out var value))
        {
            throw new RequestFieldException("is not an ISO 8601 date and time; send e.g. \"2011-05-02T08:00:00\"");
        }

        // Without 'T' the reader accepted a date alone.
        var hasTime = reader.ValueIsEscaped ? reader.GetString()!.Contains('T', StringComparison.Ordinal) : reader.ValueSpan.Contains((byte)'T');
        if (!hasTime)
        {
            throw new RequestFieldException("has no time of day; the hour is needed, e.g. \"2011-05-02T08:00:00\"");
        }

        return value;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value.Value);
        }
    }
}
