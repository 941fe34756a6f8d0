using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using ServerlessMl.Functions.Triggers;

namespace ServerlessMl.Functions.Tests;

/// <summary>
/// The function app's own composition (<see cref="FunctionAppServices.AddFunctionApp"/>, which
/// Program.cs calls): every function class can be built from it, and a wrong setting of any
/// part stops the host at start with a message naming it.
/// </summary>
public sealed class FunctionAppCompositionTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["RetrainSchedule"] = "0 0 2 * * *",
        ["ScoreSchedule"] = "0 30 * * * *",
        ["LiveSchedule"] = "0 15 3 * * *",
        ["ModelStorage"] = "UseDevelopmentStorage=true",
    };

    [Fact]
    public void Program_calls_the_composition_under_test()
    {
        var program = File.ReadAllText(Path.Combine(Testing.RepoPaths.Root, "src", "ServerlessMl.Functions", "Program.cs"));

        Assert.Contains(".AddFunctionApp(builder.Configuration)", program, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_models_are_registered_in_one_place_that_every_host_calls()
    {
        var src = Path.Combine(Testing.RepoPaths.Root, "src");
        var registering = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => System.Text.RegularExpressions.Regex.IsMatch(File.ReadAllText(f), @"AddModel<[\w.]*(BikeDemandModel|SmsSpamModel)>"))
            .Select(f => Path.GetRelativePath(src, f).Replace('\\', '/'));
        using var host = Build(Valid);

        Assert.Equal(["ServerlessMl.Models/ShippedModels.cs"], registering);
        Assert.Equal(["bike-demand", "sms-spam"], host.Services.GetRequiredService<Definitions.ModelCatalog>().Names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_function_class_is_built_from_the_apps_services()
    {
        using var host = Build(Valid);
        var functions = typeof(RetrainModel).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null))
            .ToArray();

        Assert.Equal(14, functions.Length);
        foreach (var type in functions)
        {
            Assert.NotNull(ActivatorUtilities.CreateInstance(host.Services, type));
        }
    }

    [Theory]
    [InlineData("RetrainSchedule", "0 2 * * *", "RetrainSchedule")]
    [InlineData("ScoreSchedule", "hourly", "ScoreSchedule")]
    [InlineData("LiveSchedule", "daily", "LiveSchedule")]
    [InlineData("Scoring:RescoreDays", "-1", "Scoring__RescoreDays")]
    [InlineData("Scoring:PredictionsTable", "no-dashes", "Scoring__PredictionsTable")]
    [InlineData("Scoring:TableTransactionsInFlight", "0", "Scoring__TableTransactionsInFlight")]
    [InlineData("Training:HoldoutDays", "0", "Training__HoldoutDays")]
    [InlineData("Serving:MaxBatch", "0", "Serving__MaxBatch")]
    [InlineData("Serving:ModelRefreshSeconds", "-1", "Serving__ModelRefreshSeconds")]
    [InlineData("Registry:KeepVersions", "0", "Registry__KeepVersions")]
    [InlineData("ModelStorage:TimeoutSeconds", "0", "ModelStorage__TimeoutSeconds")]
    [InlineData("ModelStorage", "not a connection string", "ModelStorage")]
    [InlineData("Models:bike-demand:MaxBatch", "0", "Models__bike-demand__MaxBatch")]
    [InlineData("Models:bike-demand:MaxBodyBytes", "100", "Models__bike-demand__MaxBodyBytes")]
    [InlineData("Models:sms-spam:MaxEnginesPerModel", "5000", "Models__sms-spam__MaxEnginesPerModel")]
    [InlineData("Models:sms_spam:MaxTextLength", "0", "Models__sms_spam__MaxTextLength")]
    [InlineData("Models:sms_spam:MaxTextLength", "5000", "Setting 'Models__sms_spam__MaxTextLength' is 5000: above the 2,000 characters")]
    [InlineData("Models:bike-demand:MaxTextLength", "50", "Setting 'Models__bike-demand__MaxTextLength' cannot take effect")]
    [InlineData("Models:no-such-model:MaxBatch", "5", "not registered")]
    [InlineData("Models:bike_demand:MaxBatch", "many", "Setting 'Models__bike_demand__MaxBatch' has a value of the wrong type")]
    [InlineData("Models:sms-spam:Log:Input", "Plain", "Setting 'Models__sms-spam__Log__Input' has a value of the wrong type")]
    [InlineData("Models:sms-spam:Log:Sample", "0.5", "'Sample'")]
    [InlineData("Models:sms-spam:Log:SampleRate", "1.5", "Models__sms-spam__Log__SampleRate")]
    [InlineData("Models:bike-demand:Challenger", "newest", "Models__bike-demand__Challenger")]
    [InlineData("Models:bike-demand:Live:DriftThreshold", "0", "Models__bike-demand__Live__DriftThreshold")]
    [InlineData("Monitoring:SampleRate", "2", "Monitoring__SampleRate")]
    [InlineData("Monitoring:LogContainer", "Log_Container", "Monitoring__LogContainer")]
    public async Task A_wrong_setting_stops_the_app_at_start_with_a_message_naming_it(string key, string value, string named)
    {
        using var host = Build(new Dictionary<string, string?>(Valid) { [key] = value });

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valid_settings_start_the_app()
    {
        // Preloading would reach for storage that is not there; everything else starts as in Azure.
        using var host = Build(new Dictionary<string, string?>(Valid) { ["Serving:PreloadOnStart"] = "false" });

        await host.StartAsync();
        await host.StopAsync();
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("http", true)]
    [InlineData("function:RetrainModel", false)]
    public void Only_an_instance_that_serves_http_preloads_the_champions(string? targetGroup, bool preloads)
    {
        using var host = Build(new Dictionary<string, string?>(Valid) { ["Serving:PreloadOnStart"] = "true", ["FUNCTIONS_TARGET_GROUP"] = targetGroup });

        Assert.Equal(preloads, host.Services.GetRequiredService<IOptions<Serving.ServingOptions>>().Value.PreloadOnStart);
    }

    [Fact]
    public async Task The_apps_spans_and_metrics_reach_an_OpenTelemetry_exporter()
    {
        var spans = new List<System.Diagnostics.Activity>();
        var metrics = new List<OpenTelemetry.Metrics.Metric>();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(Valid)
        {
            // Nothing listens there: the request is a 503, and telemetry says why.
            ["ModelStorage"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;",
            ["ModelStorage:TimeoutSeconds"] = "1",

            // An exporter is configured (nothing listens there either): without one, nothing subscribes.
            [ServerlessMl.ServiceCollectionExtensions.OtlpEndpointSetting] = "http://127.0.0.1:9",
        });
        builder.Services.AddFunctionApp(builder.Configuration);
        builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
        builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics));
        using var host = builder.Build();
        await host.StartAsync();

        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = host.Services };
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream("""{"timestamp":"2011-01-24T08:00:00","weather":1,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}"""u8.ToArray());
        var result = await host.Services.GetRequiredService<Http.PredictEndpoint>().HandleAsync(context.Request, "bike-demand", default);
        host.Services.GetRequiredService<OpenTelemetry.Trace.TracerProvider>().ForceFlush();
        host.Services.GetRequiredService<OpenTelemetry.Metrics.MeterProvider>().ForceFlush();
        await host.StopAsync();

        Assert.Equal(503, (result as Microsoft.AspNetCore.Http.IStatusCodeHttpResult)?.StatusCode);
        Assert.Contains(spans, s => s.OperationName == "predict" && (string?)s.GetTagItem("serverlessml.model") == "bike-demand");
        Assert.Contains(metrics, m => m.Name == "serverlessml.predictions");
        Assert.Contains(metrics, m => m.Name == "serverlessml.prediction.duration");
    }

    [Fact]
    public void With_no_exporter_configured_nothing_subscribes_to_the_apps_telemetry()
    {
        using var host = Build(Valid);

        Assert.Null(host.Services.GetService<TracerProvider>());
        Assert.Null(host.Services.GetService<MeterProvider>());
    }

    [Theory]
    [InlineData("ClientId=11111111-2222-3333-4444-555555555555;Authorization=AAD", true)]
    [InlineData("Authorization=AAD", true)]
    [InlineData("Authorization=Key", false)]
    public async Task With_Application_Insights_configured_the_app_starts_with_the_Entra_authentication_it_names(string authentication, bool valid)
    {
        var settings = new Dictionary<string, string?>(Valid)
        {
            [AzureMonitorTelemetry.ConnectionStringSetting] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/",
            [AzureMonitorTelemetry.AuthenticationSetting] = authentication,
            ["Serving:PreloadOnStart"] = "false",
        };

        if (!valid)
        {
            var error = Assert.Throws<InvalidOperationException>(() => Build(settings));
            Assert.Contains(AzureMonitorTelemetry.AuthenticationSetting, error.Message, StringComparison.Ordinal);
            return;
        }

        Assert.IsType<Azure.Identity.ManagedIdentityCredential>(AzureMonitorTelemetry.Credential(authentication));
        using var host = Build(settings);
        await host.StartAsync();
        await host.StopAsync();
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddFunctionApp(builder.Configuration);
        return builder.Build();
    }
}
