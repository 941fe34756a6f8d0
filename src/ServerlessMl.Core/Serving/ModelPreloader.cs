using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ServerlessMl.Serving;

/// <summary>
/// With <see cref="ServingOptions.PreloadOnStart"/>, starts the champion loads while the host is
/// still starting, so the first request finds the model ready. Never delays start-up or fails it:
/// a failed preload is retried by the first request, as without preloading.
/// </summary>
internal sealed class ModelPreloader(IServiceProvider services, IOptions<ServingOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.PreloadOnStart)
        {
            // The pool is resolved on a worker thread too: building it creates the storage clients,
            // tens of milliseconds that would otherwise hold up the web host's start on this thread.
            _ = Task.Run(() => services.GetRequiredService<ModelPool>().PreloadAsync(), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
