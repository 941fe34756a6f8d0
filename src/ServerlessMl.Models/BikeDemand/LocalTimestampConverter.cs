using ServerlessMl.Definitions;
using System.Text.Json;
using System.Text.Json.Serialization;
using ServerlessMl.Http;

namespace ServerlessMl.Models.BikeDemand;

/// <summary>
/// Reads the request's timestamp: ISO 8601 with a time of day and no offset. A bare date would
/// otherwise be read as midnight, and a forecast for an hour the caller did not choose is worse than
/// an error.
/// </summary>
public sealed class LocalTimestampConverter : JsonConverter<DateTimeOffset?>
{
    // Longer than any text System.Text.Json reads as a date and time.
    private const int MaxLength = 64;

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

        // The text as sent, unescaped and in one piece: a value split across buffer segments (a
        // stream or pipe read) is not in ValueSpan. TryGetDateTimeOffset accepted it, so it is short.
        Span<byte> text = stackalloc byte[MaxLength];
        text = text[..reader.CopyString(text)];

        // Without 'T' the reader accepted a date alone.
        var time = text.IndexOf((byte)'T');
        if (time < 0)
        {
            throw new RequestFieldException("has no time of day; the hour is needed, e.g. \"2011-05-02T08:00:00\"");
        }

        // The model knows the city's clock, not its time zone: an offset cannot be turned into that
        // clock without guessing the zone, and dropping it would answer for another hour.
        if (text[time..].IndexOfAny("Zz+-"u8) >= 0)
        {
            throw new RequestFieldException("must be the city's local time without an offset (Z or ±hh:mm); send e.g. \"2011-05-02T08:00:00\"");
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
            // The clock time alone, as Read takes it: an offset written here would be refused there.
            writer.WriteStringValue(value.Value.DateTime);
        }
    }
}
