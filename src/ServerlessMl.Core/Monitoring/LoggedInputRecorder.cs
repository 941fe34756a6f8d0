using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ServerlessMl.Definitions;

namespace ServerlessMl.Monitoring;

/// <summary>
/// A bound request as the prediction log keeps it, per the model's <c>Log__Input</c>: as the API's
/// JSON (<see cref="LoggedInput.Text"/>), the same with each text field replaced by its hash
/// (<see cref="LoggedInput.Hash"/>), or nothing (<see cref="LoggedInput.None"/>).
/// </summary>
internal sealed class LoggedInputRecorder<TRequest>
    where TRequest : class
{
    public const string HashPrefix = HashedText.Prefix;

    private readonly JsonSerializerOptions? _json;

    public LoggedInputRecorder(LoggedInput mode, JsonSerializerOptions requestJson)
    {
        ArgumentNullException.ThrowIfNull(requestJson);
        // Hash mode is the API's JSON with every string written as its hash: a renamed property keeps its wire name.
        _json = mode switch
        {
            LoggedInput.None => null,
            LoggedInput.Hash => HashedStrings(requestJson),
            LoggedInput.Text => requestJson,

            // Settings are checked at start; an unknown mode must never fall through to keeping the text.
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Not a mode of Log__Input."),
        };
    }

    /// <summary>Whether a line has an input at all.</summary>
    public bool Records => _json is not null;

    /// <summary>Writes <paramref name="request"/> as the line's input value; call only when <see cref="Records"/>.</summary>
    public void Write(Utf8JsonWriter writer, TRequest request) => JsonSerializer.Serialize(writer, request, _json!);

    /// <summary><c>sha256-</c> and the first 32 hex digits of the text's UTF-8 SHA-256: the form the models' truth keys use.</summary>
    public static string Hash(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Span<char> hash = stackalloc char[HashedText.Length];
        HashedText.Of(text, hash);
        return new string(hash);
    }

    private static JsonSerializerOptions HashedStrings(JsonSerializerOptions requestJson)
    {
        var options = new JsonSerializerOptions(requestJson);
        options.Converters.Add(new HashedText());
        options.MakeReadOnly();
        return options;
    }
}

/// <summary>Writes a string as its <see cref="LoggedInputRecorder{TRequest}.Hash"/>, without the text or its bytes on the heap.</summary>
internal sealed class HashedText : JsonConverter<string>
{
    public const string Prefix = "sha256-";

    private const int HexDigits = 32;

    public static readonly int Length = Prefix.Length + HexDigits;

    // Texts are bounded by the request limits; a longer one rents instead of using the stack.
    private const int StackBytes = 1024;

    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("A hashed text cannot be read back.");

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        Span<char> hash = stackalloc char[Length];
        Of(value, hash);
        writer.WriteStringValue(hash);
    }

    public static void Of(string text, Span<char> destination)
    {
        var size = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = size > StackBytes ? ArrayPool<byte>.Shared.Rent(size) : null;
        try
        {
            Span<byte> utf8 = rented ?? stackalloc byte[StackBytes];
            var written = Encoding.UTF8.GetBytes(text, utf8);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(utf8[..written], digest);
            Prefix.CopyTo(destination);
            Convert.TryToHexStringLower(digest[..(HexDigits / 2)], destination[Prefix.Length..], out _);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
