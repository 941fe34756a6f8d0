using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using ServerlessMl.Cli.Commands;
using ServerlessMl.Cli.Serve;
using ServerlessMl.MinimalEndpoint;
using ServerlessMl.Models.BikeDemand;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// The HTTP benchmark's two apps without sockets: serve's whole host (<see cref="ServeHost"/>: its
/// middleware, routing, key check when keys are set, handler, validation and answer) and the
/// minimal endpoint's (<see cref="MinimalApp"/>), each run in process by an <see cref="InProcessServer"/>
/// on the same requests. Kestrel's parsing and the sockets are the same for both apps and are left
/// out, so what differs between the two rows is what the apps themselves do per request.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
public class PipelineBenchmarks : ChampionBenchmark
{
    private const string ServePath = "/api/models/" + Model + "/predict";
    private const string MinimalPath = "/predict";

    private byte[][] _singles = null!;
    private byte[] _batch = null!;
    private int _next;
    private WebApplication _serveApp = null!;
    private WebApplication _minimalApp = null!;
    private InProcessServer _serve = null!;
    private InProcessServer _minimal = null!;

    protected override async Task PrepareAsync()
    {
        var items = BenchEnvironment.VariedRequests().Select(r => JsonSerializer.Serialize(r)).ToArray();
        _singles = [.. items.Select(Encoding.UTF8.GetBytes)];
        _batch = Encoding.UTF8.GetBytes("[" + string.Join(',', items) + "]");

        // As a user points serve at its containers: through the environment.
        Environment.SetEnvironmentVariable("ModelStorage__TrainingContainer", Env.Containers.Training);
        Environment.SetEnvironmentVariable("ModelStorage__ModelsContainer", Env.Containers.Models);
        try
        {
            _serveApp = ServeHost.Build(
                new ServeCommand.Settings { Connection = Env.ConnectionString, Port = 0 },
                new ApiKeys(null, null),
                services => services.AddSingleton<IServer, InProcessServer>());
        }
        finally
        {
            Environment.SetEnvironmentVariable("ModelStorage__TrainingContainer", null);
            Environment.SetEnvironmentVariable("ModelStorage__ModelsContainer", null);
        }
        await _serveApp.StartAsync();
        _serve = (InProcessServer)_serveApp.Services.GetRequiredService<IServer>();

        var builder = MinimalApp.CreateBuilder();
        builder.Services.AddSingleton<IServer, InProcessServer>();
        _minimalApp = builder.Build();
        MinimalApp.MapPredict(_minimalApp, new MinimalPredictor(new BikeDemandModel(), Env.Context, Env.HandLoadedModel, "0001"));
        await _minimalApp.StartAsync();
        _minimal = (InProcessServer)_minimalApp.Services.GetRequiredService<IServer>();

        foreach (var body in new[] { _singles[0], _batch })
        {
            await Expect200(_serve.SendAsync(body, ServePath), "serve");
            await Expect200(_minimal.SendAsync(body, MinimalPath), "the minimal endpoint");
        }
    }

    private static async Task Expect200(Task<int> send, string app)
    {
        var status = await send;
        if (status != 200)
        {
            throw new InvalidOperationException($"{app} answered {status}.");
        }
    }

    protected override async ValueTask DisposeExtrasAsync()
    {
        await _serveApp.StopAsync();
        await _minimalApp.StopAsync();
        await _serveApp.DisposeAsync();
        await _minimalApp.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "minimal endpoint's pipeline, single, 100 inputs")]
    public Task<int> Minimal() => _minimal.SendAsync(NextSingle(), MinimalPath);

    [Benchmark(Description = "serve's pipeline, single, 100 inputs")]
    public Task<int> Serve() => _serve.SendAsync(NextSingle(), ServePath);

    [Benchmark(OperationsPerInvoke = 100, Description = "minimal endpoint's pipeline, batch of 100 (per item)")]
    public Task<int> MinimalBatch() => _minimal.SendAsync(_batch, MinimalPath);

    [Benchmark(OperationsPerInvoke = 100, Description = "serve's pipeline, batch of 100 (per item)")]
    public Task<int> ServeBatch() => _serve.SendAsync(_batch, ServePath);

    private byte[] NextSingle()
    {
        var i = _next + 1;
        _next = i == _singles.Length ? 0 : i;
        return _singles[_next];
    }
}
