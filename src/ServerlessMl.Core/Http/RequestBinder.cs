using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace ServerlessMl.Http;

/// <summary>
/// Reads a predict body (one JSON object, or an array of them) straight into a model's request
/// objects in one pass over the bytes, with the request type's validation folded in. Field errors
/// are collected per item, keyed by JSON path (e.g. <c>[3].temperatureC</c>), instead of thrown.
/// </summary>
public static class RequestBinder
{
    private static readonly JsonSerializerOptions Options = ReadOnly(new(JsonSerializerDefaults.Web)
    {
        // Names match exactly as documented: "Weather" is a misspelling, and a misspelt field is an
        // error, not a silently missing value. A field sent twice is ambiguous, so it is refused too.
        PropertyNameCaseInsensitive = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        NumberHandling = JsonNumberHandling.Strict,
        MaxDepth = 32,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    });

    // Read-only before first use: a converter called directly (see ReaderFor) resolves metadata only from frozen options.
    private static JsonSerializerOptions ReadOnly(JsonSerializerOptions options)
    {
        options.MakeReadOnly();
        return options;
    }

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 32 };

    /// <summary>
    /// Reads the request's body within <paramref name="maxBodyBytes"/> (<see cref="JsonBody"/>) and binds it
    /// (<see cref="Bind"/>): the requests, or the problem to answer with.
    /// </summary>
    public static async ValueTask<BoundRequests> ReadAsync(HttpRequest request, Type requestType, int maxBodyBytes, int maxBatch, int? maxTextLength, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, maxBodyBytes, cancellationToken);
        if (body is null)
        {
            return new(problem!);
        }

        using (body)
        {
            return Bind(body.Utf8.Span, requestType, maxBatch, maxTextLength);
        }
    }

    /// <summary>
    /// The requests of a body, or the problem to answer with: not JSON (400), an empty batch (400),
    /// more than <paramref name="maxBatch"/> items (413), invalid fields (400, every field named).
    /// </summary>
    /// <param name="maxTextLength">A limit on every string field on top of the type's own rules (a model's <c>MaxTextLength</c> setting).</param>
    public static BoundRequests Bind(ReadOnlySpan<byte> json, Type requestType, int maxBatch, int? maxTextLength = null)
    {
        ArgumentNullException.ThrowIfNull(requestType);
        var binder = ItemBinders.GetOrAdd((requestType, maxTextLength), CreateItemBinder);
        var errors = new FieldErrors();
        var reader = new Utf8JsonReader(json, ReaderOptions);
        object[] requests;
        bool batch;
        try
        {
            reader.Read();
            batch = reader.TokenType == JsonTokenType.StartArray;
            if (!batch)
            {
                requests = [BindItem(ref reader, binder, FieldErrors.NoItem, errors)!];
            }
            else
            {
                var items = new List<object>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (items.Count == maxBatch)
                    {
                        return new(Problems.PayloadTooLarge($"The batch has {maxBatch + CountRest(ref reader)} items; the limit is {maxBatch}."));
                    }

                    items.Add(BindItem(ref reader, binder, items.Count, errors)!);
                }

                if (items.Count == 0)
                {
                    return new(Problems.BadRequest($"The batch is empty; send 1 to {maxBatch} objects."));
                }

                requests = [.. items];
            }

            // Anything after the one top-level value is invalid JSON, and Read says so by throwing.
            reader.Read();
        }
        catch (JsonException ex)
        {
            return new(Problems.BadRequest($"The body is not valid JSON: {ex.Message}"));
        }

        return errors.All is { } all
            ? new(Problems.BadRequest($"{all.Count} field(s) are invalid.", all))
            : new(requests, batch);
    }

    /// <summary>Counts the array items from the one at the reader to the end, to say how large a refused batch was.</summary>
    private static int CountRest(ref Utf8JsonReader reader)
    {
        var count = 0;
        do
        {
            reader.Skip();
            count++;
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray);
        return count;
    }

    /// <summary>Binds the value at the reader and leaves the reader on its last token; null after recording its errors.</summary>
    private static object? BindItem(ref Utf8JsonReader reader, ItemBinder binder, int item, FieldErrors errors)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            errors.Add(item, null, $"must be a JSON object, not {Describe(reader.TokenType)}");
            reader.Skip();
            return null;
        }

        var start = reader;
        object? request;
        try
        {
            // The type's converter reads the item where the reader stands: one pass. (Deserialize
            // with a reader first scans the value to find its end, a second pass over every item.)
            request = binder.Read(ref reader);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or OverflowException)
        {
            // A refused item is read again through the serializer, which turns any of these into a
            // JsonException naming the field at fault.
            reader = start;
            try
            {
                request = JsonSerializer.Deserialize(ref reader, binder.Type);
            }
            catch (JsonException refusal)
            {
                // From the item's start, Skip either passes the item (go on to the next) or throws
                // because the JSON itself is broken (the whole body is a 400).
                reader = start;
                reader.Skip();
                errors.Add(item, refusal.Path is { Length: > 2 } path ? path.TrimStart('$').TrimStart('.') : null, Describe(refusal));
                return null;
            }
        }

        if (request is null)
        {
            errors.Add(item, null, "must be a JSON object");
            return null;
        }

        return binder.Validator.Validate(request, item, errors) ? request : null;
    }

    private delegate object? ItemReader(ref Utf8JsonReader reader);

    /// <summary>What binding one item of a request type takes, built once per type and text limit.</summary>
    private sealed record ItemBinder(JsonTypeInfo Type, ItemReader Read, RequestValidator Validator);

    private static readonly ConcurrentDictionary<(Type, int?), ItemBinder> ItemBinders = new();

    private static ItemBinder CreateItemBinder((Type Type, int? MaxTextLength) key) => new(
        Options.GetTypeInfo(key.Type),
        (ItemReader)typeof(RequestBinder).GetMethod(nameof(ReaderFor), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(key.Type).Invoke(null, null)!,
        new RequestValidator(key.Type, key.MaxTextLength));

    private static ItemReader ReaderFor<T>()
    {
        var converter = (JsonConverter<T>)Options.GetTypeInfo(typeof(T)).Converter;
        return (ref reader) => converter.Read(ref reader, typeof(T), Options);
    }

    private static string Describe(JsonException ex) =>
        ex is RequestFieldException ? ex.Message
        : ex.Message.Contains("could not be mapped", StringComparison.Ordinal) ? "is not a known field (names are case-sensitive)"
        : ex.Message.StartsWith("Duplicate property", StringComparison.Ordinal) ? "appears more than once"
        : ex.Message.Contains("could not be converted", StringComparison.Ordinal) ? "has the wrong type or an out-of-range value"
        : "is not valid JSON for this field";

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        _ => "null",
    };
}

/// <summary>A predict body read: its requests (one, or a batch), or the problem to answer with instead.</summary>
public readonly record struct BoundRequests(IReadOnlyList<object> Requests, bool Batch, IResult? Problem)
{
    public BoundRequests(IResult problem)
        : this([], false, problem)
    {
    }

    public BoundRequests(object[] requests, bool batch)
        : this(requests, batch, null)
    {
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
