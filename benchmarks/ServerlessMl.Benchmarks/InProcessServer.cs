using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// A server that listens nowhere: registered in Kestrel's place, it is handed the host's whole
/// request pipeline (hosting, middleware, routing, the endpoint, the result) when the host starts,
/// and <see cref="SendAsync"/> runs one request through it from memory. What it measures is the
/// app's own work per request, without sockets, Kestrel's parser or the load generator.
/// </summary>
public sealed class InProcessServer : IServer
{
    private Func<byte[], string, Task<int>>? _send;

    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        _send = (body, path) => RunAsync(application, body, path);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
    }

    /// <summary>POSTs <paramref name="body"/> as JSON to <paramref name="path"/>; the response's status code.</summary>
    public Task<int> SendAsync(byte[] body, string path) =>
        (_send ?? throw new InvalidOperationException("The host has not started."))(body, path);

    private static async Task<int> RunAsync<TContext>(IHttpApplication<TContext> application, byte[] body, string path)
        where TContext : notnull
    {
        var request = new HttpRequestFeature
        {
            Method = HttpMethods.Post,
            Scheme = "http",
            Protocol = "HTTP/1.1",
            Path = path,
            Body = new MemoryStream(body, writable: false),
        };
        request.Headers.ContentType = "application/json";
        request.Headers.ContentLength = body.Length;
        var response = new ResponseFeature();
        var responseBody = new StreamResponseBodyFeature(Stream.Null);
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(request);
        features.Set<IHttpResponseFeature>(response);
        features.Set<IHttpResponseBodyFeature>(responseBody);

        var context = application.CreateContext(features);
        Exception? failure = null;
        try
        {
            await application.ProcessRequestAsync(context);
            await response.CompleteAsync(responseBody);
        }
        catch (Exception ex)
        {
            failure = ex;
            throw;
        }
        finally
        {
            application.DisposeContext(context, failure);
        }

        return response.StatusCode;
    }

    /// <summary>What a server does when the app returns: on-starting callbacks, the body sent (what the app wrote and did not flush), on-completed callbacks.</summary>
    private sealed class ResponseFeature : HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _starting = [];
        private readonly List<(Func<object, Task> Callback, object State)> _completed = [];

        public override void OnStarting(Func<object, Task> callback, object state) => _starting.Add((callback, state));

        public override void OnCompleted(Func<object, Task> callback, object state) => _completed.Add((callback, state));

        public async Task CompleteAsync(IHttpResponseBodyFeature body)
        {
            for (var i = _starting.Count - 1; i >= 0; i--)
            {
                await _starting[i].Callback(_starting[i].State);
            }

            await body.CompleteAsync();

            for (var i = _completed.Count - 1; i >= 0; i--)
            {
                await _completed[i].Callback(_completed[i].State);
            }
        }
    }
}
