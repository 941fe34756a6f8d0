using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServerlessMl.Http;

/// <summary>
/// Turns one JSON element into a model's request object, collecting per-field errors (keyed by
/// JSON path, e.g. <c>[3].temperatureC</c>) instead of throwing.
/// </summary>
public static class RequestBinder
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        // A misspelt field is an error, not a silently missing value.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        MaxDepth = 32,
    };

    public static object? Bind(JsonElement element, Type requestType, string prefix, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors[Key(prefix, null)] = [$"must be a JSON object, not {element.ValueKind.ToString().ToLowerInvariant()}"];
            return null;
        }

        object? request;
        try
        {
            request = element.Deserialize(requestType, Options);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path ? path.TrimStart('$').TrimStart('.') : null;
            errors[Key(prefix, field)] = [Describe(ex)];
            return null;
        }

        if (request is null)
        {
            errors[Key(prefix, null)] = ["must be a JSON object"];
            return null;
        }

        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(request, new ValidationContext(request), results, validateAllProperties: true))
        {
            foreach (var result in results)
            {
                foreach (var member in result.MemberNames.DefaultIfEmpty(string.Empty))
                {
                    errors[Key(prefix, JsonName(requestType, member))] = [result.ErrorMessage ?? "is invalid"];
                }
            }

            return null;
        }

        return request;
    }

    private static string Describe(JsonException ex) =>
        ex.Message.Contains("could not be mapped", StringComparison.Ordinal) ? "is not a known field"
        : ex.Message.Contains("could not be converted", StringComparison.Ordinal) ? "has the wrong type or an out-of-range value"
        : "is not valid JSON for this field";

    private static string Key(string prefix, string? field) =>
        string.IsNullOrEmpty(field) ? (prefix.Length == 0 ? "$" : prefix) : prefix.Length == 0 ? field : $"{prefix}.{field}";

    private static string JsonName(Type type, string member)
    {
        var property = type.GetProperty(member);
        return property?.GetCustomAttributes(typeof(JsonPropertyNameAttribute), false).OfType<JsonPropertyNameAttribute>().FirstOrDefault()?.Name
            ?? JsonNamingPolicy.CamelCase.ConvertName(member);
    }
}
