using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ServerlessMl.Serving;

/// <summary>
/// With <see cref="ServingOptions.PreloadOnStart"/>, starts the champion loads while the host is
/// still starting, so the first request finds the model ready. Never delays start-up or fails it:
/// a failed preload is retried by the first request, as without preloading.
/// </summary>
public sealed class ModelPreloader(ModelPool pool, IOptions<ServingOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.PreloadOnStart)
        {
            _ = pool.PreloadAsync();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
