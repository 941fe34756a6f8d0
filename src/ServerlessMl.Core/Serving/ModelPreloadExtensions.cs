using Microsoft.Extensions.DependencyInjection;

namespace ServerlessMl.Serving;

public static class ModelPreloadExtensions
{
    /// <summary>
    /// Starts loading the champions now, where <see cref="ServingOptions.PreloadOnStart"/> asks for
    /// it, instead of when the host starts its hosted services: call it on the built host's services,
    /// before running the host. The host's start would begin the load only after constructing every
    /// hosted service, a noticeable part of a cold start; this begins it beside that work.
    /// </summary>
    public static IServiceProvider StartModelPreload(this IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.GetRequiredService<ModelPreloader>().Start();
        return services;
    }
}
