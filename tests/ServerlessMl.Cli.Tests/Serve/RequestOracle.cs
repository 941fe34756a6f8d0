using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerlessMl.Cli.Tests.Serve;

/// <summary>
/// What the README promises about a predict request, written out independently of the app's
/// binder: a fuzz test compares every answer with it, so a body the contract refuses cannot be
/// answered 200, and one it accepts cannot be refused. It covers the values the generators make.
/// </summary>
internal static class RequestOracle
{
    private const int MaxBatch = 100;
    private const int MaxBodyBytes = 1_048_576;

    private static readonly string[] Required = ["timestamp", "weather", "temperatureC", "feelsLikeC", "humidity", "windSpeedKmh"];

    public static bool IsValid(byte[] body, string contentType)
    {
        var parts = contentType.Split(';', StringSplitOptions.TrimEntries);
        var charsets = parts.Skip(1).Where(p => p.StartsWith("charset=", StringComparison.OrdinalIgnoreCase)).Select(p => p["charset=".Length..].Trim('"'));
        if (!string.Equals(parts[0], "application/json", StringComparison.OrdinalIgnoreCase)
            || charsets.Any(c => !string.Equals(c, "utf-8", StringComparison.OrdinalIgnoreCase))
            || body.Length > MaxBodyBytes)
        {
            return false;
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body), documentOptions: new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or DecoderFallbackException or InvalidOperationException)
        {
            return false; // not JSON, or a name given twice (JsonObject refuses duplicates as the API does)
        }

        return root switch
        {
            JsonArray items => items.Count is > 0 and <= MaxBatch && items.All(IsValidItem),
            _ => IsValidItem(root),
        };
    }

    private static bool IsValidItem(JsonNode? node)
    {
        if (node is not JsonObject item || item.Any(p => !Required.Contains(p.Key, StringComparer.Ordinal) && p.Key != "holiday"))
        {
            return false;
        }

        return Required.All(name => item[name] is JsonValue)
            && Timestamp(item["timestamp"]!) is { Year: >= 2000 and <= 2100 }
            && Whole(item["weather"]!) is >= 1 and <= 4
            && Number(item["temperatureC"]!) is >= -40 and <= 50
            && Number(item["feelsLikeC"]!) is >= -60 and <= 60
            && Number(item["humidity"]!) is >= 0 and <= 100
            && Number(item["windSpeedKmh"]!) is >= 0 and <= 200
            && item["holiday"] is null or JsonValue { } && (item["holiday"] is null || item["holiday"]!.GetValueKind() is JsonValueKind.True or JsonValueKind.False);
    }

    private static DateTime? Timestamp(JsonNode node)
    {
        if (node.GetValueKind() != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return DateTime.TryParseExact(node.GetValue<string>(), "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var value) ? value : null;
        }
        catch (InvalidOperationException)
        {
            return null; // a lone surrogate: not text
        }
    }

    private static double? Number(JsonNode node) =>
        node.GetValueKind() == JsonValueKind.Number && double.TryParse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value : null;

    private static long? Whole(JsonNode node) =>
        node.GetValueKind() == JsonValueKind.Number && long.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value : null;
}
