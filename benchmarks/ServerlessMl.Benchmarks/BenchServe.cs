using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServerlessMl.Cli;
using ServerlessMl.Cli.Commands;
using ServerlessMl.Cli.Serve;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// <c>ServerlessMl.Benchmarks serve [serve options]</c>: <c>serverless-ml serve</c>'s own host and
/// routes, plus what benchmarks/cold.sh measures against, hooked in from here so the product carries
/// none of it: <c>POST /bench/constant</c> (the web host with no model) and
/// <c>POST /bench/by-hand/{model}/predict</c> (<see cref="ByHandPredictEndpoint"/>), the start-up
/// phases of <see cref="StartupTimeline"/>, and what benchmarks/http-log.sh reads of the prediction
/// log: <c>GET /bench/log-counts</c> (lines written and dropped since start).
/// </summary>
internal static class BenchServe
{
    public static Task<int> RunAsync(IReadOnlyList<string> serveArgs)
    {
        StartupTimeline.Mark("main");
        return CliErrors.RunAsync(() =>
        {
            var settings = ServeArguments.TryBind(["serve", .. serveArgs])
                ?? throw new ArgumentException($"not serve options: {string.Join(' ', serveArgs)}");

            // The /bench routes take no key and the by-hand one loads a model per call: this machine only.
            if (!ApiKeys.IsLoopback(settings.Host))
            {
                throw new ArgumentException($"the benchmark host serves loopback only, not {settings.Host}");
            }

            StartupTimeline.Mark("serve command parsed");
            StartupTimeline.WatchModelLoads();
            return ServeCommand.ServeAsync(
                settings,
                CancellationToken.None,
                services => services.AddSingleton<ByHandPredictEndpoint>(),
                MapBenchmarkRoutes);
        });
    }

    private static void MapBenchmarkRoutes(WebApplication app)
    {
        StartupTimeline.Mark("host built");
        app.Lifetime.ApplicationStarted.Register(() => StartupTimeline.Mark("listening"));
        var bench = app.MapGroup("/bench");
        bench.MapPost("/constant", async (HttpRequest request, CancellationToken ct) =>
        {
            await request.Body.CopyToAsync(Stream.Null, ct);
            return Results.Ok(new Definitions.RegressionAnswer("constant", "0000", 1.0));
        });
        bench.MapPost("/by-hand/{model}/predict", (HttpRequest request, string model, CancellationToken ct) =>
            app.Services.GetRequiredService<ByHandPredictEndpoint>().HandleAsync(request, model, ct));
        var counts = new LogCounts();
        app.Lifetime.ApplicationStopped.Register(counts.Dispose);
        bench.MapGet("/log-counts", () => Results.Ok(new { written = counts.Written, dropped = counts.Dropped }));
    }
}
