using Microsoft.Extensions.DependencyInjection;
using ServerlessMl.Definitions;

namespace ServerlessMl;

/// <summary>Registers the models an app serves and retrains; returned by <see cref="ServiceCollectionExtensions.AddServerlessMl"/>.</summary>
public sealed class ServerlessMlBuilder
{
    internal ServerlessMlBuilder(IServiceCollection services)
    {
        Services = services;
    }

    public IServiceCollection Services { get; }

    /// <summary>Adds one model; its name is its route segment and its blob prefix.</summary>
    public ServerlessMlBuilder AddModel<TModel>()
        where TModel : ModelDefinition
    {
        Services.AddSingleton<TModel>();
        Services.AddSingleton(sp => (IModelDefinition)sp.GetRequiredService<TModel>());
        return this;
    }
}
