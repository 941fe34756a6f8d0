using System.Reflection;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
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
        services.AddSingleton(sp => TableServiceClientFactory.Create(sp.GetRequiredService<StorageOptions>()));
        services.TryAddSingleton<ModelCatalog>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<Telemetry.ServerlessMlMetrics>();
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton<Registry.ModelLoader>();
        services.AddWithInternalConstructor<Registry.ChampionPromoter>();
        services.AddSingleton<TrainingDataSource>();
        services.AddWithInternalConstructor<RetrainJob>();
        services.AddWithInternalConstructor<Http.RetrainEndpoint>();

        services.AddValidatedSettings<TrainingOptions>(configuration, TrainingOptions.SectionName);
        services.AddValidatedSettings<RegistryOptions>(configuration, RegistryOptions.SectionName);
        services.AddOptions<ModelSettingsMap>().Configure(map => BindModelSettings(configuration.GetSection(ModelSettings.SectionName), map)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ModelSettingsMap>, ModelSettingsValidator>();
        return services;
    }

    /// <summary>
    /// Binds each model's settings on its own: a dictionary binding passes over a value it cannot
    /// convert without a word, so a typo in one would leave the default in force unseen.
    /// </summary>
    private static void BindModelSettings(IConfigurationSection section, ModelSettingsMap map)
    {
        foreach (var model in section.GetChildren())
        {
            var settings = new ModelSettings();
            try
            {
                model.Bind(settings, o => o.ErrorOnUnknownConfiguration = true);
            }
            catch (InvalidOperationException ex)
            {
                var at = System.Text.RegularExpressions.Regex.Match(ex.Message, "at '(?<key>[^']+)' to type");
                map.Unreadable.Add(at.Success
                    ? $"Setting '{at.Groups["key"].Value.Replace(":", "__", StringComparison.Ordinal)}' has a value of the wrong type (e.g. text where a number is expected); fix or unset it."
                    : $"A setting under '{ModelSettings.SectionName}__{model.Key}__' is not one ServerlessMl has: {ex.Message}");
            }

            map[model.Key] = settings;
        }
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
        services.AddWithInternalConstructor<Http.PredictEndpoint>();
        services.AddWithInternalConstructor<Http.ModelsEndpoint>();
        services.AddWithInternalConstructor<Http.PromoteEndpoint>();
        services.AddWithInternalConstructor<Http.HealthEndpoint>();
        services.AddWithInternalConstructor<Http.OpenApiEndpoint>();
        return services.AddServerlessMlScoring(configuration);
    }

    /// <summary>The precompute job, the predictions table and their routes.</summary>
    private static IServiceCollection AddServerlessMlScoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedSettings<Scoring.ScoringOptions>(configuration, Scoring.ScoringOptions.SectionName);
        services.AddSingleton(sp => new Scoring.PredictionTable(
            sp.GetRequiredService<Azure.Data.Tables.TableServiceClient>().GetTableClient(sp.GetRequiredService<IOptions<Scoring.ScoringOptions>>().Value.PredictionsTable)));
        services.AddSingleton(sp =>
        {
            var blobs = sp.GetRequiredService<BlobServiceClient>();
            return new Scoring.ScoringStore(
                blobs.GetBlobContainerClient(sp.GetRequiredService<IOptions<Scoring.ScoringOptions>>().Value.InputContainer),
                blobs.GetBlobContainerClient(sp.GetRequiredService<StorageOptions>().ModelsContainer),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Scoring.ScoringStore>>());
        });
        services.AddWithInternalConstructor<Scoring.ScoringJob>();
        services.AddWithInternalConstructor<Http.ScoringEndpoint>();
        return services.AddServerlessMlMonitoring(configuration);
    }

    /// <summary>The live loop: the prediction and feedback logs, the live quality job, drift and the challenger.</summary>
    private static IServiceCollection AddServerlessMlMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedSettings<Monitoring.MonitoringOptions>(configuration, Monitoring.MonitoringOptions.SectionName);
        services.AddSingleton<Monitoring.LiveGauges>();
        services.AddSingleton(sp => new Monitoring.LiveStore(
            sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(sp.GetRequiredService<StorageOptions>().ModelsContainer),
            sp.GetRequiredService<Monitoring.LiveGauges>()));
        services.AddWithInternalConstructor<Monitoring.LiveQualityJob>();
        services.AddSingleton<Monitoring.LiveHealth>();
        services.AddSingleton(sp => new Monitoring.FeedbackLog(new Monitoring.LogBlobAppender(
            sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(sp.GetRequiredService<IOptions<Monitoring.MonitoringOptions>>().Value.FeedbackContainer),
            sp.GetRequiredService<StorageOptions>(),
            Monitoring.LogBlobNames.Instance(Environment.GetEnvironmentVariable("WEBSITE_INSTANCE_ID")))));
        services.AddWithInternalConstructor<Http.FeedbackEndpoint>();
        services.AddPredictionLog();
        return services;
    }

    /// <summary>The prediction log: the queue the predict path feeds, the writer both hosts run, and the shadow challengers.</summary>
    private static void AddPredictionLog(this IServiceCollection services)
    {
        services.AddSingleton<Monitoring.PredictionLogQueue>();
        services.AddSingleton<Monitoring.ChallengerSource>();
        services.AddSingleton(sp => new Monitoring.PredictionLogFormats(
            Http.RequestBinder.RequestJson, sp.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions));
        services.AddSingleton<Monitoring.PredictionLogs>();
        services.AddSingleton(sp => new Monitoring.LogBlobAppender(
            sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(sp.GetRequiredService<IOptions<Monitoring.MonitoringOptions>>().Value.LogContainer),
            sp.GetRequiredService<StorageOptions>(),
            Monitoring.LogBlobNames.Instance(Environment.GetEnvironmentVariable("WEBSITE_INSTANCE_ID"))));
        services.AddSingleton<Monitoring.PredictionLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<Monitoring.PredictionLogWriter>());
    }

    /// <summary>Checks the timers' schedules (<c>RetrainSchedule</c>, <c>ScoreSchedule</c>, <c>LiveSchedule</c>) when the host starts.</summary>
    /// <param name="required">False for a host without the timers (serve): there an unset schedule is
    /// fine, but a set one is still checked, since the same settings are often shared with the Functions app.</param>
    public static IServiceCollection AddSchedules(this IServiceCollection services, IConfiguration configuration, bool required = true)
    {
        services.AddOptions<ScheduleOptions>()
            .Configure(o =>
            {
                o.RetrainSchedule = configuration[ScheduleOptions.RetrainSetting];
                o.ScoreSchedule = configuration[ScheduleOptions.ScoreSetting];
                o.LiveSchedule = configuration[ScheduleOptions.LiveSetting];
            })
            .Validate(
                o => (!required && o.RetrainSchedule is null) || ScheduleOptions.IsValid(o.RetrainSchedule),
                ScheduleOptions.Rule(ScheduleOptions.RetrainSetting, "0 0 2 * * *", "02:00 UTC daily"))
            .Validate(
                o => (!required && o.ScoreSchedule is null) || ScheduleOptions.IsValid(o.ScoreSchedule),
                ScheduleOptions.Rule(ScheduleOptions.ScoreSetting, "0 30 * * * *", "every hour at half past"))
            .Validate(
                o => (!required && o.LiveSchedule is null) || ScheduleOptions.IsValid(o.LiveSchedule),
                ScheduleOptions.Rule(ScheduleOptions.LiveSetting, "0 15 3 * * *", "03:15 UTC daily"))
            .ValidateOnStart();
        return services;
    }

    /// <summary>
    /// Starts loading the champions now, where <c>Serving__PreloadOnStart</c> asks for it, instead of
    /// when the host starts its hosted services: call it on the built host's services, before
    /// running the host. The host's start would begin the load only after constructing every hosted
    /// service, a noticeable part of a cold start; this begins it beside that work.
    /// </summary>
    public static IServiceProvider StartModelPreload(this IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.GetRequiredService<Serving.ModelPreloader>().Start();
        return services;
    }

    /// <summary>The OpenTelemetry setting that names a collector (e.g. http://localhost:4317).</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Whether an OTLP collector is configured.</summary>
    public static bool OtlpConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration?[OtlpEndpointSetting]);

    /// <summary>
    /// Subscribes OpenTelemetry to <c>ServerlessMl</c> (spans and metrics) and, when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, exports to that collector (the other
    /// <c>OTEL_EXPORTER_OTLP_*</c> settings apply as OpenTelemetry documents them). Call it only
    /// when something will export: a subscribed SDK records every span and measurement, which
    /// costs each request time even if nothing is sent.
    /// </summary>
    public static IOpenTelemetryBuilder AddServerlessMlTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var otlp = OtlpConfigured(configuration);
        return services.AddOpenTelemetry()
            .WithTracing(tracing =>
            {
                tracing.AddSource(Telemetry.ServerlessMlTelemetry.Name);
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Telemetry.ServerlessMlTelemetry.Name);
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
    }

    /// <summary>
    /// Turns off <c>Serving__PreloadOnStart</c> whatever the settings say: for an instance that serves
    /// no requests (a timer-only instance), where loading the champions would only cost time and memory.
    /// </summary>
    public static IServiceCollection SkipModelPreload(this IServiceCollection services) =>
        services.PostConfigure<Serving.ServingOptions>(options => options.PreloadOnStart = false);

    /// <summary>
    /// A public type whose constructor is internal (it takes the library's internal services): the
    /// container cannot call it, so its one constructor is called here with the registered services.
    /// </summary>
    private static void AddWithInternalConstructor<T>(this IServiceCollection services)
        where T : class
    {
        var constructor = typeof(T).GetConstructors(BindingFlags.Instance | BindingFlags.NonPublic).Single(c => c.IsAssembly);
        services.AddSingleton(sp => (T)constructor.Invoke(
            BindingFlags.DoNotWrapExceptions, binder: null, [.. constructor.GetParameters().Select(p => sp.GetRequiredService(p.ParameterType))], culture: null));
    }
}
