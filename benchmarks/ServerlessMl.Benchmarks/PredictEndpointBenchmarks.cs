using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServerlessMl.Http;
using ServerlessMl.Definitions;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Monitoring;
using ServerlessMl.Serving;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// The predict handler without Kestrel or sockets: <see cref="PredictEndpoint.HandleAsync"/> plus
/// writing its JSON result, on an in-memory request, next to the minimal endpoint's handler (the
/// HTTP benchmark's baseline app: one-pass deserialization, a plain engine pool, no validation) as
/// the baseline, and the constant endpoint (drain the body, write a constant result). Splits the
/// cost the HTTP benchmark sees into binding, the model and the rest. "100 inputs" rows cycle
/// through the 100 requests of the HTTP benchmark's batch; the batch rows are per prediction.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
public class PredictEndpointBenchmarks : ChampionBenchmark
{
    private static readonly byte[] Fixed = Encoding.UTF8.GetBytes(
        """{"timestamp":"2011-05-02T08:00:00","weather":1,"temperatureC":18,"feelsLikeC":18,"humidity":55,"windSpeedKmh":12}""");

    private byte[][] _singles = null!;
    private byte[] _batch = null!;
    private int _next;
    private readonly BikeFeatures _features = BenchEnvironment.SampleFeatures();
    private PredictEndpoint _endpoint = null!;
    private MinimalEndpoint.MinimalPredictor _minimal = null!;
    private ServiceProvider _services = null!;

    // As RequestBinder's options (web defaults, unmapped members disallowed, strict numbers).
    private static readonly JsonSerializerOptions BinderJson = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        MaxDepth = 32,
    };

    protected override async Task PrepareAsync()
    {
        var catalog = new ModelCatalog([new ServerlessMl.Models.BikeDemand.BikeDemandModel()]);
        var metrics = new ServerlessMl.Telemetry.ServerlessMlMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var answerJson = new Microsoft.AspNetCore.Http.Json.JsonOptions();
        // The handler alone: the prediction log off, as LogOverhead measures it on.
        var monitoring = Options.Create(new MonitoringOptions { SampleRate = 0 });
        var logs = new PredictionLogs(
            catalog, monitoring, Options.Create(new ModelSettingsMap()), new PredictionLogQueue(monitoring, metrics), challengers: null!, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, new PredictionLogFormats(RequestBinder.RequestJson, answerJson.SerializerOptions));
        _endpoint = new PredictEndpoint(catalog, Pool, Options.Create(new ServingOptions()), Options.Create(new ModelSettingsMap()), metrics, new JsonAnswers(Options.Create(answerJson)), logs);
        _services = new ServiceCollection().AddLogging().BuildServiceProvider();
        _minimal = new MinimalEndpoint.MinimalPredictor(new BikeDemandModel(), Env.Context, Env.HandLoadedModel, "0001");

        var items = BenchEnvironment.VariedRequests().Select(r => JsonSerializer.Serialize(r)).ToArray();
        _singles = [.. items.Select(Encoding.UTF8.GetBytes)];
        _batch = Encoding.UTF8.GetBytes("[" + string.Join(',', items) + "]");

        foreach (var body in new[] { Fixed, _singles[0], _batch })
        {
            var context = NewContext(body);
            var result = await _endpoint.HandleAsync(context.Request, Model, CancellationToken.None);
            await result.ExecuteAsync(context);
            if (context.Response.StatusCode != StatusCodes.Status200OK)
            {
                throw new InvalidOperationException($"The handler answered {context.Response.StatusCode}.");
            }
        }
    }

    protected override ValueTask DisposeExtrasAsync() => _services.DisposeAsync();

    [Benchmark(Baseline = true, Description = "minimal endpoint's handler, single, 100 inputs")]
    public Task Minimal() => HandleMinimal(NextSingle());

    [Benchmark(OperationsPerInvoke = 100, Description = "minimal endpoint's handler, batch of 100 (per item)")]
    public Task MinimalBatch() => HandleMinimal(_batch);

    [Benchmark(Description = "constant handler (drain body, write result)")]
    public async Task Constant()
    {
        var context = NewContext(Fixed);
        await context.Request.Body.CopyToAsync(Stream.Null);
        await Results.Ok(new ServerlessMl.Definitions.RegressionAnswer("constant", "0000", 1.0)).ExecuteAsync(context);
    }

    [Benchmark(Description = "RequestBinder.Bind, one item")]
    public object? Bind() => RequestBinder.Bind<BikeDemandRequest>(Fixed, maxBatch: 1).Requests[0];

    // The System.Text.Json half of Bind (the rest is the request's validation rules).
    [Benchmark(Description = "  of which: JsonSerializer.Deserialize")]
    public object? Deserialize() => JsonSerializer.Deserialize(Fixed, typeof(BikeDemandRequest), BinderJson);

    // What the framework would do in Bind's place: the same deserialization, then DataAnnotations' own validator.
    [Benchmark(Description = "  framework instead: Deserialize + Validator.TryValidateObject")]
    public bool DeserializeAndValidate()
    {
        var request = JsonSerializer.Deserialize<BikeDemandRequest>(Fixed, BinderJson)!;
        return System.ComponentModel.DataAnnotations.Validator.TryValidateObject(
            request, new System.ComponentModel.DataAnnotations.ValidationContext(request), null, validateAllProperties: true);
    }

    [Benchmark(Description = "pool.Predict, features given")]
    public float PoolPredict() => Pool.Predict<BikeFeatures, RegressionScore>(Model, _features).Score;

    [Benchmark(Description = "predict handler, single, one input")]
    public Task Handler() => Handle(Fixed);

    [Benchmark(Description = "predict handler, single, 100 inputs")]
    public Task HandlerVaried() => Handle(NextSingle());

    private byte[] NextSingle()
    {
        var i = _next + 1;
        _next = i == _singles.Length ? 0 : i;
        return _singles[_next];
    }

    [Benchmark(OperationsPerInvoke = 100, Description = "predict handler, batch of 100 (per item)")]
    public Task HandlerBatch() => Handle(_batch);

    private async Task Handle(byte[] body)
    {
        var context = NewContext(body);
        var result = await _endpoint.HandleAsync(context.Request, Model, CancellationToken.None);
        await result.ExecuteAsync(context);
    }

    // As benchmarks/ServerlessMl.MinimalEndpoint's route: the body's bytes, then its predictor.
    private async Task HandleMinimal(byte[] body)
    {
        var context = NewContext(body);
        var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        await _minimal.Predict(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)).ExecuteAsync(context);
    }

    private DefaultHttpContext NewContext(byte[] body)
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.Method = HttpMethods.Post;
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body, writable: false);
        context.Response.Body = Stream.Null;
        return context;
    }
}
