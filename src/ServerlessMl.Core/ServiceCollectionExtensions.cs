using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;
using ServerlessMl.Storage;
using ServerlessMl.Training;

namespace ServerlessMl;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Everything: storage, registry, retrain job, model pool and HTTP handlers, with every setting
    /// validated at start. Register each model on the returned builder:
    /// <c>services.AddServerlessMl(configuration).AddModel&lt;MyModel&gt;()</c>.
    /// </summary>
    public static ServerlessMlBuilder AddServerlessMl(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddServerlessMlTraining(configuration).AddServerlessMlServing(configuration);
        return new ServerlessMlBuilder(services);
    }

    /// <summary>
    /// Storage, the model catalog, the registry and the retrain job, with every setting validated
    /// when the host starts (a wrong value stops it with a message naming the setting).
    /// </summary>
    private static IServiceCollection AddServerlessMlTraining(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<StorageOptions>()
            .Configure(o => BlobServiceClientFactory.Bind(configuration, o))
            .Validate(o => o.ConnectionString is not null || o.BlobServiceUri is not null,
                "Setting 'ModelStorage' is missing: give a connection string (ModelStorage) or an endpoint (ModelStorage__blobServiceUri).")
            .Validate(BlobServiceClientFactory.CanCreate,
                "Setting 'ModelStorage' is not a valid storage connection string or endpoint.")
            .ValidateSettingsOnStart(StorageOptions.SectionName);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value);
        services.AddSingleton(sp => BlobServiceClientFactory.Create(sp.GetRequiredService<StorageOptions>()));
        services.TryAddSingleton<ModelCatalog>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<Telemetry.ServerlessMlMetrics>();
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton<Registry.ModelLoader>();
        services.AddSingleton<Registry.ChampionPromoter>();
        services.AddSingleton<TrainingDataSource>();
        services.AddSingleton<RetrainJob>();
        services.AddSingleton<Http.RetrainEndpoint>();

        services.AddValidatedSettings<TrainingOptions>(configuration, TrainingOptions.SectionName);
        services.AddValidatedSettings<RegistryOptions>(configuration, RegistryOptions.SectionName);
        services.AddOptions<ModelSettingsMap>().Bind(configuration.GetSection(ModelSettings.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ModelSettingsMap>, ModelSettingsValidator>();
        return services;
    }

    /// <summary>The model pool and the HTTP handlers, shared by the Functions host and <c>serverless-ml serve</c>.</summary>
    private static IServiceCollection AddServerlessMlServing(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedSettings<Serving.ServingOptions>(configuration, Serving.ServingOptions.SectionName);
        services.AddSingleton<Serving.ModelPool>();
        services.AddSingleton<Serving.ModelPreloader>();
        services.AddHostedService(sp => sp.GetRequiredService<Serving.ModelPreloader>());
        services.AddSingleton<Http.JsonAnswers>();
        services.AddSingleton<Http.PredictEndpoint>();
        services.AddSingleton<Http.ModelsEndpoint>();
        services.AddSingleton<Http.PromoteEndpoint>();
        services.AddSingleton<Http.HealthEndpoint>();
        services.AddSingleton<Http.OpenApiEndpoint>();
        return services;
    }
}
