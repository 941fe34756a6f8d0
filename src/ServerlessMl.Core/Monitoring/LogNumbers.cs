using System.Text.Json;

namespace ServerlessMl.Monitoring;

/// <summary>
/// Numbers of a log line written by hand as <see cref="LogJson.Options"/> would serialize them:
/// finite values as JSON numbers, NaN and the infinities as their named strings.
/// </summary>
internal static class LogNumbers
{
    private static readonly JsonEncodedText NaN = JsonEncodedText.Encode("NaN");
    private static readonly JsonEncodedText Infinity = JsonEncodedText.Encode("Infinity");
    private static readonly JsonEncodedText NegativeInfinity = JsonEncodedText.Encode("-Infinity");

    // Below this a whole double prints as its digits alone; from here on the shortest form has an exponent.
    private const double WholeLimit = 1e15;

    public static void Write(Utf8JsonWriter writer, JsonEncodedText name, double value)
    {
        // Most measures are whole (hours, flags, counts): formatted as an integer they print the same
        // digits without the cost of the shortest round-trip search. Negative zero keeps its sign.
        if (Math.Abs(value) < WholeLimit && value == Math.Truncate(value) && !(value == 0 && double.IsNegative(value)))
        {
            writer.WriteNumber(name, (long)value);
        }
        else if (double.IsFinite(value))
        {
            writer.WriteNumber(name, value);
        }
        else
        {
            writer.WriteString(name, double.IsNaN(value) ? NaN : value > 0 ? Infinity : NegativeInfinity);
        }
    }
}
