using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServerlessMl.Http;
using ServerlessMl.Monitoring;
using ServerlessMl.Testing;

namespace ServerlessMl.Core.Tests.Monitoring;

/// <summary>A test app with a prediction log of its own: predict through the endpoint, flush the writer, read the lines back.</summary>
internal sealed class LogHarness : IDisposable
{
    private LogHarness(TestApp app, string container, BlobContainerClient log)
    {
        App = app;
        Container = container;
        Log = log;
    }

    public TestApp App { get; }

    public string Container { get; }

    public BlobContainerClient Log { get; }

    public CapturedLogs Logs { get; private init; } = new();

    public PredictionLogWriter Writer => App.Get<PredictionLogWriter>();

    public static LogHarness Create(AzuriteFixture azurite, Dictionary<string, string?> settings, string? containerSuffix = null, Action<ServerlessMlBuilder>? models = null)
    {
        var container = "log-" + Guid.NewGuid().ToString("N")[..12];
        settings["Monitoring:LogContainer"] = container;
        settings.TryAdd("Serving:ModelRefreshSeconds", "3600");
        var logs = new CapturedLogs();
        var app = TestApp.Create(azurite, settings, containerSuffix, s => s.AddSingleton<ILoggerProvider>(logs), models);
        return new LogHarness(app, container, azurite.CreateClient().GetBlobContainerClient(container)) { Logs = logs };
    }

    public async Task<(int Status, JsonElement Body, string? RequestId)> PredictAsync(string model, string json, string? requestId = null)
    {
        var context = new DefaultHttpContext { RequestServices = App.Services };
        context.Request.Method = "POST";
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        context.Request.ContentType = "application/json";
        if (requestId is not null)
        {
            context.Request.Headers[RequestId.Header] = requestId;
        }

        using var body = new MemoryStream();
        context.Response.Body = body;
        var result = await App.Get<PredictEndpoint>().HandleAsync(context.Request, model, default);
        await result.ExecuteAsync(context);
        await context.Response.CompleteAsync();
        var text = Encoding.UTF8.GetString(body.ToArray());
        var parsed = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (context.Response.StatusCode, parsed, context.Response.Headers[RequestId.Header].SingleOrDefault());
    }

    public Task FlushAsync() => Writer.FlushAsync(default);

    /// <summary>Every line of the log, with the blob it is in.</summary>
    public async Task<IReadOnlyList<(string Blob, JsonObject Line)>> ReadAsync()
    {
        var lines = new List<(string, JsonObject)>();
        if (!await Log.ExistsAsync())
        {
            return lines;
        }

        await foreach (var blob in Log.GetBlobsAsync())
        {
            var content = (await Log.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
            lines.AddRange(content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (blob.Name, JsonNode.Parse(l)!.AsObject())));
        }

        return lines;
    }

    public void Dispose() => App.Dispose();
}

/// <summary>What the app logged, by event id.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentBag<(int EventId, LogLevel Level, string Message)> Entries { get; } = [];

    public int Count(int eventId) => Entries.Count(e => e.EventId == eventId);

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Add((eventId.Id, logLevel, formatter(state, exception)));
    }
}
