using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ServerlessMl.Definitions;

namespace ServerlessMl;

/// <summary>Registers the models an app serves and retrains; returned by <see cref="ServiceCollectionExtensions.AddServerlessMl"/>.</summary>
public sealed class ServerlessMlBuilder(IServiceCollection services, IConfiguration configuration)
{
    public IServiceCollection Services { get; } = services;

    public IConfiguration Configuration { get; } = configuration;

    /// <summary>Adds one model definition; its name is its route segment and its blob prefix.</summary>
    public ServerlessMlBuilder AddModel<TModel>()
        where TModel : class, IModelDefinition
    {
        Services.AddSingleton<IModelDefinition, TModel>();
        return this;
    }

    /// <summary>Adds a model definition instance (e.g. one configured in code).</summary>
    public ServerlessMlBuilder AddModel(IModelDefinition model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Services.AddSingleton(model);
        return this;
    }
}
