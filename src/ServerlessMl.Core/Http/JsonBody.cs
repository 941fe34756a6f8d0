using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ServerlessMl.Http;

/// <summary>
/// Reads a request body as JSON within a byte limit, and says exactly what is wrong with it
/// when it cannot: wrong content type (415), too large (413), not JSON (400).
/// </summary>
public static class JsonBody
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>The parsed body, or the problem to answer with.</summary>
    public static async Task<(JsonDocument? Document, IResult? Problem)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.HasJsonContentType())
        {
            return (null, Problems.UnsupportedMediaType($"Send the body as application/json (got '{request.ContentType ?? "no content type"}')."));
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, Problems.PayloadTooLarge($"The body is {request.ContentLength} bytes; the limit is {maxBytes}."));
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes + 1, 64 * 1024));
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    // length <= maxBytes here (checked after every read), so the buffer can still grow.
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > maxBytes)
                {
                    return (null, Problems.PayloadTooLarge($"The body is over the limit of {maxBytes} bytes."));
                }
            }

            // A UTF-8 byte order mark is legal in a body (RFC 8259 lets parsers ignore it); the reader does not skip it.
            var start = buffer.AsSpan(0, length).StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
            if (length - start == 0)
            {
                return (null, Problems.BadRequest("The body is empty; send a JSON object or array."));
            }

            try
            {
                return (JsonDocument.Parse(buffer.AsMemory(start, length - start), DocumentOptions), null);
            }
            catch (JsonException ex)
            {
                return (null, Problems.BadRequest($"The body is not valid JSON: {ex.Message}"));
            }
        }
        catch (Exception ex) when (ex is BadHttpRequestException or IOException)
        {
            return (null, ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
                ? Problems.PayloadTooLarge($"The body is over the limit of {maxBytes} bytes.")
                : Problems.BadRequest($"The body could not be read: {ex.Message}"));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
