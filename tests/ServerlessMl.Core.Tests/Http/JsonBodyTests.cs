using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using ServerlessMl.Http;

namespace ServerlessMl.Core.Tests.Http;

/// <summary>
/// The body reader on bodies past its first 64 KiB buffer, with and without a Content-Length (a
/// chunked request has none), arriving in small reads as they do from a socket.
/// </summary>
public sealed class JsonBodyTests
{
    private const int Limit = 200 * 1024;

    [Theory]
    [InlineData(150 * 1024, true)]
    [InlineData(150 * 1024, false)]
    [InlineData(Limit, false)]
    public async Task A_body_larger_than_the_first_buffer_and_within_the_limit_is_read_whole(int size, bool withLength)
    {
        var (body, problem) = await JsonBody.ReadAsync(Request(Body(size), withLength), Limit, default);

        Assert.Null(problem);
        using (body)
        {
            Assert.Equal(Body(size), body!.Utf8.ToArray());
        }
    }

    [Theory]
    [InlineData(Limit + 1)]
    [InlineData(Limit * 3)]
    public async Task A_chunked_body_over_the_limit_is_a_413_found_while_reading(int size)
    {
        var (body, problem) = await JsonBody.ReadAsync(Request(Body(size), withLength: false), Limit, default);

        Assert.Null(body);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, Assert.IsAssignableFrom<IStatusCodeHttpResult>(problem).StatusCode);
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_a_413_before_any_read()
    {
        var request = Request(Body(Limit + 1), withLength: true);
        request.Body = new ThrowingStream();

        var (_, problem) = await JsonBody.ReadAsync(request, Limit, default);

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, Assert.IsAssignableFrom<IStatusCodeHttpResult>(problem).StatusCode);
    }

    // The two common content types take a shortcut past HasJsonContentType; the answers must not change.
    [Theory]
    [InlineData("application/json", true)]
    [InlineData("APPLICATION/JSON", true)]
    [InlineData("application/json; charset=utf-8", true)]
    [InlineData("Application/Json; Charset=UTF-8", true)]
    [InlineData("application/json;charset=utf-8", true)]
    [InlineData("application/problem+json", true)]
    [InlineData("application/json; charset=\"UTF-8\"", true)]
    [InlineData("application/problem+json; charset=utf-8", true)]
    [InlineData("application/jsonx", false)]
    [InlineData("text/json", false)]
    [InlineData("text/plain", false)]
    [InlineData("application/x-www-form-urlencoded", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public async Task The_content_type_is_judged_as_ASP_NET_Core_judges_it(string? contentType, bool accepted)
    {
        var request = Request(Body(100), withLength: true);
        request.ContentType = contentType;
        Assert.Equal(accepted, request.HasJsonContentType());

        var (body, problem) = await JsonBody.ReadAsync(request, Limit, default);

        using (body)
        {
            Assert.Equal(accepted, body is not null);
            Assert.Equal(accepted ? null : StatusCodes.Status415UnsupportedMediaType, (problem as IStatusCodeHttpResult)?.StatusCode);
        }
    }

    // A body in another charset would be read as UTF-8 and answered for text the caller never sent.
    [Theory]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=UTF-16LE")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/json; charset=\"latin1\"")]
    [InlineData("application/json; charset=utf8")]
    [InlineData("application/json; charset=")]
    [InlineData("application/json; charset=utf-8; charset=utf-16")]
    public async Task A_charset_other_than_utf8_is_a_415_saying_utf8_is_required(string contentType)
    {
        var request = Request(Body(100), withLength: true);
        request.ContentType = contentType;

        var (body, problem) = await JsonBody.ReadAsync(request, Limit, default);

        Assert.Null(body);
        var refusal = Assert.IsType<ProblemHttpResult>(problem);
        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, refusal.StatusCode);
        Assert.Contains("UTF-8", refusal.ProblemDetails.Detail, StringComparison.Ordinal);
    }

    private const int Overhead = 14; // {"padding":"..."} without the padding

    private static byte[] Body(int size) => Encoding.UTF8.GetBytes("{\"padding\":\"" + new string('x', size - Overhead) + "\"}");

    private static HttpRequest Request(byte[] body, bool withLength)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = "application/json";
        context.Request.Body = new TrickleStream(body);
        context.Request.ContentLength = withLength ? body.Length : null;
        return context.Request;
    }

    /// <summary>Hands out at most 1,000 bytes a read, as a socket does.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1_000)], cancellationToken);
    }

    private sealed class ThrowingStream : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("the body was read although its declared length is over the limit");
    }
}
