using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ServerlessMl.Http;

/// <summary>
/// Reads a JSON request body within a byte limit, and says exactly what is wrong with it when it
/// cannot: wrong content type or a charset other than UTF-8 (415), too large (413), empty or not
/// readable (400).
/// </summary>
internal static class JsonBody
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>The body parsed whole (for small bodies read by name), or the problem to answer with; invalid JSON is a 400.</summary>
    public static async Task<(JsonElement? Root, IResult? Problem)> ReadDocumentAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        var (body, problem) = await ReadAsync(request, maxBytes, cancellationToken);
        if (body is null)
        {
            return (null, problem);
        }

        using (body)
        {
            try
            {
                // Cloned: the document would otherwise point into the pooled buffer returned below.
                using var document = JsonDocument.Parse(body.Utf8, DocumentOptions);
                return (document.RootElement.Clone(), null);
            }
            catch (JsonException ex)
            {
                return (null, Problems.BadRequest($"The body is not valid JSON: {ex.Message}"));
            }
        }
    }

    /// <summary>
    /// The 415 for a body that is not JSON, or names a charset other than UTF-8 (quoted or not, any
    /// case: the body is read as UTF-8, and text in another charset would be answered for what it
    /// was not); null when it is fine. The two content types clients send nearly always are
    /// recognised without parsing the header; anything else is parsed once.
    /// </summary>
    private static IResult? ContentTypeProblem(string? contentType)
    {
        if (contentType is not null
            && (contentType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || contentType.Equals("application/json; charset=utf-8", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            || !(parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || parsed.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)))
        {
            return Problems.UnsupportedMediaType($"Send the body as application/json (got '{contentType ?? "no content type"}').");
        }

        return parsed.Parameters.Where(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase))
            .All(p => HeaderUtilities.RemoveQuotes(p.Value).Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            ? null
            : Problems.UnsupportedMediaType($"Send the body in UTF-8, the only charset read (got '{contentType}').");
    }

    /// <summary>
    /// The body's bytes (not yet parsed: the caller reads them in one pass), or the problem to answer
    /// with. Dispose the body to return its buffer.
    /// </summary>
    public static async ValueTask<(RequestBody? Body, IResult? Problem)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ContentTypeProblem(request.ContentType) is { } unsupported)
        {
            return (null, unsupported);
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, Problems.PayloadTooLarge($"The body is {request.ContentLength} bytes; the limit is {maxBytes}."));
        }

        byte[]? buffer = null;
        try
        {
            (buffer, var length) = await ReadAllAsync(request.Body, maxBytes, cancellationToken);
            if (length > maxBytes)
            {
                return (null, Problems.PayloadTooLarge($"The body is over the limit of {maxBytes} bytes."));
            }

            // A UTF-8 byte order mark is legal in a body (RFC 8259 lets parsers ignore it); the reader does not skip it.
            var start = buffer.AsSpan(0, length).StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
            if (length - start == 0)
            {
                return (null, Problems.BadRequest("The body is empty; send a JSON object or array."));
            }

            var body = new RequestBody(buffer, start, length - start);
            buffer = null;
            return (body, null);
        }
        catch (Exception ex) when (ex is BadHttpRequestException or IOException)
        {
            return (null, ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
                ? Problems.PayloadTooLarge($"The body is over the limit of {maxBytes} bytes.")
                : Problems.BadRequest($"The body could not be read: {ex.Message}"));
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// The body in a pooled buffer, grown as it comes; it stops reading once more than
    /// <paramref name="maxBytes"/> have come (the length says so). A failed read returns the buffer.
    /// </summary>
    private static async ValueTask<(byte[] Buffer, int Length)> ReadAllAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes + 1, 64 * 1024));
        var length = 0;
        try
        {
            int read;
            do
            {
                if (length == buffer.Length)
                {
                    // length <= maxBytes here (checked after every read), so the buffer can still grow.
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                length += read;
            }
            while (read > 0 && length <= maxBytes);

            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}

/// <summary>A request body's bytes in a pooled buffer, returned to the pool on dispose.</summary>
internal sealed class RequestBody : IDisposable
{
    private byte[]? _buffer;
    private readonly int _start;
    private readonly int _length;

    internal RequestBody(byte[] buffer, int start, int length)
    {
        _buffer = buffer;
        _start = start;
        _length = length;
    }

    /// <summary>The body without a leading byte order mark.</summary>
    public ReadOnlyMemory<byte> Utf8 => (_buffer ?? throw new ObjectDisposedException(nameof(RequestBody))).AsMemory(_start, _length);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
