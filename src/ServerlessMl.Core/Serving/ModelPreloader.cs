using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ServerlessMl.Serving;

/// <summary>
/// With <see cref="ServingOptions.PreloadOnStart"/>, starts the champion loads while the host is
/// still starting, so the first request finds the model ready. Never delays start-up or fails it:
/// a failed preload is retried by a later request, as without preloading.
/// </summary>
internal sealed class ModelPreloader(IServiceProvider services, IOptions<ServingOptions> options) : IHostedLifecycleService
{
    // In StartingAsync, before any hosted service's StartAsync: the web server's start-up (and the
    // Functions worker's) then runs beside the first blob reads and Model.Load instead of before them.
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (options.Value.PreloadOnStart)
        {
            // The pool is resolved on a worker thread too: building it creates the storage clients,
            // tens of milliseconds that would otherwise hold up the host's start on this thread.
            _ = Task.Run(PreloadAsync, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    // One span over the start-up load, and one over building the pool (its storage clients and
    // the first use of the Azure SDK): where an instance's cold start goes is then in its traces.
    private async Task PreloadAsync()
    {
        using var preload = Telemetry.ServerlessMlTelemetry.Start("preload", "*");
        ModelPool pool;
        using (Telemetry.ServerlessMlTelemetry.Start("build pool", "*"))
        {
            pool = services.GetRequiredService<ModelPool>();
        }

        await pool.PreloadAsync();
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
