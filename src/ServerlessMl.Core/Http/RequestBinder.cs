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
internal static class RequestBinder
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
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { RowsAsRequests } },
    });

    // Read-only before first use: a converter called directly (see ReaderFor) resolves metadata only from frozen options.
    private static JsonSerializerOptions ReadOnly(JsonSerializerOptions options)
    {
        options.MakeReadOnly();
        return options;
    }

    /// <summary>The options requests are read with, for writing one as a caller would send it (the OpenAPI example).</summary>
    public static JsonSerializerOptions RequestJson => Options;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 32 };

    /// <summary>
    /// Reads the request's body within <paramref name="maxBodyBytes"/> (<see cref="JsonBody"/>) and binds it
    /// (<see cref="Bind{T}"/>): the requests, or the problem to answer with.
    /// </summary>
    public static async ValueTask<BoundRequests<T>> ReadAsync<T>(HttpRequest request, int maxBodyBytes, int maxBatch, int? maxTextLength, CancellationToken cancellationToken)
        where T : class
    {
        var (body, problem) = await JsonBody.ReadAsync(request, maxBodyBytes, cancellationToken);
        if (body is null)
        {
            return new(problem!);
        }

        using (body)
        {
            return Bind<T>(body.Utf8.Span, maxBatch, maxTextLength);
        }
    }

    /// <summary>
    /// The requests of a body, or the problem to answer with: not JSON (400), an empty batch (400),
    /// more than <paramref name="maxBatch"/> items (413), invalid fields (400, every field named).
    /// </summary>
    /// <param name="maxTextLength">A limit on every string field on top of the type's own rules (a model's <c>MaxTextLength</c> setting).</param>
    public static BoundRequests<T> Bind<T>(ReadOnlySpan<byte> json, int maxBatch, int? maxTextLength = null)
        where T : class
    {
        var binder = ItemBinder<T>.For(maxTextLength);
        var errors = new FieldErrors();
        var reader = new Utf8JsonReader(json, ReaderOptions);
        T[] requests;
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
                var items = new List<T>();
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
    private static T? BindItem<T>(ref Utf8JsonReader reader, ItemBinder<T> binder, int item, FieldErrors errors)
        where T : class
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            errors.Add(item, null, $"must be a JSON object, not {Describe(reader.TokenType)}");
            reader.Skip();
            return null;
        }

        var start = reader;
        T? request;
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

    /// <summary>What binding one item of a request type takes, built once per type and text limit.</summary>
    private sealed class ItemBinder<T>
        where T : class
    {
        private static readonly ConcurrentDictionary<int, ItemBinder<T>> ByTextLimit = new();

        private readonly JsonConverter<T> _converter;

        private ItemBinder(int? maxTextLength)
        {
            Type = (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
            _converter = Type.Converter as JsonConverter<T> ?? throw new InvalidOperationException($"No JSON converter for {typeof(T)}.");
            Validator = new RequestValidator(typeof(T), maxTextLength);
        }

        public JsonTypeInfo<T> Type { get; }

        public RequestValidator Validator { get; }

        public static ItemBinder<T> For(int? maxTextLength) => ByTextLimit.GetOrAdd(maxTextLength ?? -1, limit => new(limit < 0 ? null : limit));

        public T? Read(ref Utf8JsonReader reader) => _converter.Read(ref reader, typeof(T), Options);
    }

    /// <summary>A tabular model's row, read as a request: its label is not sent and every other field is required.</summary>
    private static void RowsAsRequests(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object || !Definitions.TabularRows.IsRow(type.Type))
        {
            return;
        }

        for (var i = type.Properties.Count - 1; i >= 0; i--)
        {
            if (type.Properties[i].AttributeProvider is not PropertyInfo property)
            {
                continue;
            }

            if (Definitions.TabularRows.IsLabel(property))
            {
                type.Properties.RemoveAt(i);
            }
            else
            {
                type.Properties[i].IsRequired = Definitions.TabularRows.IsRequestField(property);
            }
        }
    }

    private static string Describe(JsonException ex) =>
        ex is RequestFieldException ? ex.Message
        : ex.Message.Contains("missing required properties", StringComparison.Ordinal) ? "misses required field(s): " + ex.Message[(ex.Message.LastIndexOf(':') + 1)..].Trim().TrimEnd('.')
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
internal readonly record struct BoundRequests<T>(T[] Requests, bool Batch, IResult? Problem)
{
    public BoundRequests(IResult problem)
        : this([], false, problem)
    {
    }

    public BoundRequests(T[] requests, bool batch)
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
