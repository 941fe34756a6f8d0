using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using ServerlessMl.Cli.Commands;
using ServerlessMl.Cli.Serve;
using ServerlessMl.Monitoring;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// <c>log-overhead [rounds 8] [requests 20000]</c>: serve's whole predict pipeline in process (an
/// <see cref="InProcessServer"/> in Kestrel's place, as <see cref="PipelineBenchmarks"/>) twice, the
/// prediction log off and on at rate 1.0, each phase of single requests over the 100 varied inputs,
/// alternating which goes first. The "on" phase ends with a flush of the log's writer, so the
/// lines it made and appended to Azurite are paid for inside the phase. Reports per round the
/// throughput of each and their ratio, then the medians, with the process's CPU time and the bytes
/// allocated per request (both include the writer's threads).
/// </summary>
public static class LogOverhead
{
    private const string Path = "/api/models/" + BenchEnvironment.Model + "/predict";

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8;
        var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
        await using var env = await BenchEnvironment.StartAsync();
        byte[][] bodies = [.. BenchEnvironment.VariedRequests().Select(r => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(r)))];
        await using var off = await StartAsync(env, "0");
        await using var on = await StartAsync(env, "1");
        using var counts = new LogCounts();

        // Warm-up: JIT, engines, the log's blob created.
        await RunPhaseAsync(off, bodies, requests / 4);
        await RunPhaseAsync(on, bodies, requests / 4);

        var results = new List<(Phase Off, Phase On)>();
        Console.WriteLine("round  off req/s  on req/s  on/off  off CPU us/req  on CPU us/req  off B/req  on B/req");
        for (var round = 0; round < rounds; round++)
        {
            Phase a, b;
            if (round % 2 == 0)
            {
                a = await RunPhaseAsync(off, bodies, requests);
                b = await RunPhaseAsync(on, bodies, requests);
            }
            else
            {
                b = await RunPhaseAsync(on, bodies, requests);
                a = await RunPhaseAsync(off, bodies, requests);
            }

            results.Add((a, b));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{round + 1,5}  {a.PerSecond,9:N0}  {b.PerSecond,8:N0}  {b.PerSecond / a.PerSecond,6:F3}  {a.CpuMicroseconds,14:F2}  {b.CpuMicroseconds,13:F2}  {a.Bytes,9:N0}  {b.Bytes,8:N0}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median: on/off throughput {Median(results.Select(r => r.On.PerSecond / r.Off.PerSecond)):F3} (range {results.Min(r => r.On.PerSecond / r.Off.PerSecond):F3}-{results.Max(r => r.On.PerSecond / r.Off.PerSecond):F3}); " +
            $"CPU us/request off {Median(results.Select(r => r.Off.CpuMicroseconds)):F2}, on {Median(results.Select(r => r.On.CpuMicroseconds)):F2}; " +
            $"allocated B/request off {Median(results.Select(r => r.Off.Bytes)):N0}, on {Median(results.Select(r => r.On.Bytes)):N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"log: {counts.Written:N0} lines written, {counts.Dropped:N0} dropped"));
        return counts.Dropped == 0 && counts.Written > 0 ? 0 : 1;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static async Task<Phase> RunPhaseAsync(App app, byte[][] bodies, int requests)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < requests; i++)
        {
            var status = await app.Server.SendAsync(bodies[i % bodies.Length], Path);
            if (status != 200)
            {
                throw new InvalidOperationException($"serve answered {status}.");
            }
        }

        await app.Writer.FlushAsync(CancellationToken.None);
        var elapsed = clock.Elapsed;
        process.Refresh();
        return new Phase(
            requests / elapsed.TotalSeconds,
            (process.TotalProcessorTime - cpu).TotalMicroseconds / requests,
            (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)requests);
    }

    private static async Task<App> StartAsync(BenchEnvironment env, string sampleRate)
    {
        // As a user configures serve: through the environment.
        var settings = new Dictionary<string, string>
        {
            ["ModelStorage__TrainingContainer"] = env.Containers.Training,
            ["ModelStorage__ModelsContainer"] = env.Containers.Models,
            ["Monitoring__SampleRate"] = sampleRate,
            ["Monitoring__LogContainer"] = "bench-log-" + Guid.NewGuid().ToString("N")[..12],
        };
        foreach (var (key, value) in settings)
        {
            Environment.SetEnvironmentVariable(key, value);
        }

        WebApplication host;
        try
        {
            host = ServeHost.Build(
                new ServeCommand.Settings { Connection = env.ConnectionString, Port = 0 },
                new ApiKeys(null, null),
                services => services.AddSingleton<IServer, InProcessServer>());
        }
        finally
        {
            foreach (var key in settings.Keys)
            {
                Environment.SetEnvironmentVariable(key, null);
            }
        }

        await host.StartAsync();
        return new App(host, (InProcessServer)host.Services.GetRequiredService<IServer>(), host.Services.GetRequiredService<PredictionLogWriter>());
    }

    private sealed record Phase(double PerSecond, double CpuMicroseconds, double Bytes);

    private sealed record App(WebApplication Host, InProcessServer Server, PredictionLogWriter Writer) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Host.StopAsync();
            await Host.DisposeAsync();
        }
    }
}
