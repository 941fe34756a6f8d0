using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
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
        // Names match exactly as documented: "Weather" is a misspelling, and a misspelt field is an
        // error, not a silently missing value. A field sent twice is ambiguous, so it is refused too.
        PropertyNameCaseInsensitive = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        NumberHandling = JsonNumberHandling.Strict,
        MaxDepth = 32,
    };

    /// <param name="maxTextLength">A limit on every string field on top of the type's own rules (a model's <c>MaxTextLength</c> setting).</param>
    public static object? Bind(JsonElement element, Type requestType, string prefix, Dictionary<string, string[]> errors, int? maxTextLength = null)
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

        var before = errors.Count;
        foreach (var rule in Rules.GetOrAdd(requestType, BuildRules))
        {
            var value = rule.Property.GetValue(request);
            if (maxTextLength is { } most && value is string text && text.Length > most)
            {
                errors[Key(prefix, rule.JsonName)] = [$"The field {rule.JsonName} must be at most {most} characters long."];
                continue;
            }

            foreach (var attribute in rule.Attributes)
            {
                if (!attribute.IsValid(value))
                {
                    errors[Key(prefix, rule.JsonName)] = [attribute.FormatErrorMessage(rule.JsonName)];
                    break;
                }
            }
        }

        if (errors.Count == before && request is IValidatableObject validatable)
        {
            foreach (var result in validatable.Validate(new ValidationContext(request)))
            {
                foreach (var member in result.MemberNames.DefaultIfEmpty(string.Empty))
                {
                    errors[Key(prefix, JsonName(requestType, member))] = [result.ErrorMessage ?? "is invalid"];
                }
            }
        }

        return errors.Count == before ? request : null;
    }

    // DataAnnotations' Validator re-discovers attributes and allocates contexts on every call; the
    // attributes of a request type never change, so they are read once per type.
    private static readonly ConcurrentDictionary<Type, FieldRule[]> Rules = new();

    private static FieldRule[] BuildRules(Type type) =>
    [
        .. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => new FieldRule(p, JsonName(type, p.Name), [.. p.GetCustomAttributes<ValidationAttribute>(inherit: true)]))
            .Where(r => r.Attributes.Length > 0 || r.Property.PropertyType == typeof(string)),
    ];

    private sealed record FieldRule(PropertyInfo Property, string JsonName, ValidationAttribute[] Attributes);

    private static string Describe(JsonException ex) =>
        ex is RequestFieldException ? ex.Message
        : ex.Message.Contains("could not be mapped", StringComparison.Ordinal) ? "is not a known field (names are case-sensitive)"
        : ex.Message.StartsWith("Duplicate property", StringComparison.Ordinal) ? "appears more than once"
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

/// <summary>
/// Thrown by a request type's JSON converter for a value it refuses; the message is shown to the
/// caller as the field's error, so it says what to send instead.
/// </summary>
public sealed class RequestFieldException : JsonException
{
    public RequestFieldException(string message)
        : base(message)
    {
    }

    public RequestFieldException()
    {
    }

    public RequestFieldException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
