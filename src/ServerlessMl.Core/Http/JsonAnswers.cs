using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace ServerlessMl.Http;

/// <summary>
/// 200 answers as the app's JSON options write them (the bytes <c>Results.Ok</c> would give), sent
/// in one piece with a Content-Length. Unlike <c>Results.Ok</c>, writing one needs nothing from the
/// request's services (no per-request service scope, no logger lookup), reuses a per-thread buffer
/// and writer, and is not sent chunked.
/// </summary>
internal sealed class JsonAnswers
{
    // Larger buffers (a big batch's answer) are not kept for the next answer on the thread.
    private const int KeptBufferBytes = 64 * 1024;

    [ThreadStatic]
    private static ThreadBuffers? _threadBuffers;

    private readonly JsonSerializerOptions _options;
    private readonly JsonWriterOptions _writerOptions;

    public JsonAnswers(IOptions<HttpJsonOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value.SerializerOptions;
        _options.MakeReadOnly(populateMissingResolver: true);
        _writerOptions = new JsonWriterOptions
        {
            Encoder = _options.Encoder,
            Indented = _options.WriteIndented,
            IndentCharacter = _options.IndentCharacter,
            IndentSize = _options.IndentSize,
            NewLine = _options.NewLine,
            MaxDepth = _options.MaxDepth,
            SkipValidation = true,
        };
    }

    /// <summary>200 with <paramref name="answer"/> as JSON (its runtime type's contract, as <c>Results.Ok</c>).</summary>
    public IResult Ok(object answer) => new Answer(this, answer ?? throw new ArgumentNullException(nameof(answer)));

    private Task WriteAsync(HttpContext context, object answer)
    {
        var buffers = _threadBuffers is { } kept && ReferenceEquals(kept.Owner, this) ? kept : _threadBuffers = new ThreadBuffers(this);
        try
        {
            buffers.Bytes.ResetWrittenCount();
            buffers.Writer.Reset(buffers.Bytes);
            JsonSerializer.Serialize(buffers.Writer, answer, _options.GetTypeInfo(answer.GetType()));
            buffers.Writer.Flush();

            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = buffers.Bytes.WrittenCount;
            // Copied into the response here, so the buffer is free for the thread's next answer. Flushed
            // here, not left for the end of the request: the answer leaves while the pipeline unwinds,
            // which a caller waiting on one connection sees as latency.
            response.BodyWriter.Write(buffers.Bytes.WrittenSpan);
            var flush = response.BodyWriter.FlushAsync();
            return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
        }
        finally
        {
            if (buffers.Bytes.Capacity > KeptBufferBytes)
            {
                _threadBuffers = null;
            }
        }
    }

    private sealed class ThreadBuffers
    {
        public ThreadBuffers(JsonAnswers owner)
        {
            Owner = owner;
            Bytes = new ArrayBufferWriter<byte>(1024);
            Writer = new Utf8JsonWriter(Bytes, owner._writerOptions);
        }

        public JsonAnswers Owner { get; }

        public ArrayBufferWriter<byte> Bytes { get; }

        public Utf8JsonWriter Writer { get; }
    }

    private sealed class Answer(JsonAnswers writer, object value) : IResult, IStatusCodeHttpResult, IValueHttpResult
    {
        public int? StatusCode => StatusCodes.Status200OK;

        public object? Value => value;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            return writer.WriteAsync(httpContext, value);
        }
    }
}
