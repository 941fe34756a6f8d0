using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ServerlessMl.Serving;

/// <summary>
/// With <see cref="ServingOptions.PreloadOnStart"/>, starts the champion loads while the host is
/// still starting, so the first request finds the model ready. Never delays start-up or fails it:
/// a failed preload is retried by a later request, as without preloading.
/// </summary>
/// <remarks>
/// Started by <see cref="ModelPreloadExtensions.StartModelPreload"/> right after the host is built
/// where the app's entry point calls it, otherwise in <see cref="StartingAsync"/>; whichever comes
/// first starts it, once.
/// </remarks>
internal sealed class ModelPreloader(IServiceProvider services, IOptions<ServingOptions> options) : IHostedLifecycleService
{
    private int _started;

    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            // The settings and the pool are read on a worker thread too: building the pool creates
            // the storage clients, tens of milliseconds that would otherwise hold up the host's start.
            _ = Task.Run(PreloadAsync, CancellationToken.None);
        }
    }

    // Before any hosted service's StartAsync: the web server's start-up (and the Functions worker's)
    // then runs beside the first blob reads and Model.Load instead of before them.
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        Start();
        return Task.CompletedTask;
    }

    // One span over the start-up load, and one over building the pool (its storage clients and
    // the first use of the Azure SDK): where an instance's cold start goes is then in its traces.
    private async Task PreloadAsync()
    {
        try
        {
            if (!options.Value.PreloadOnStart)
            {
                return;
            }

            using var preload = Telemetry.ServerlessMlTelemetry.Start("preload", "*");
            ModelPool pool;
            using (Telemetry.ServerlessMlTelemetry.Start("build pool", "*"))
            {
                pool = services.GetRequiredService<ModelPool>();
            }

            await pool.PreloadAsync();
        }
        catch (OptionsValidationException)
        {
            // Started before the host validated its settings: the host's start reports them, by name.
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
