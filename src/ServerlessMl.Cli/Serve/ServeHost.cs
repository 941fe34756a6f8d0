using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServerlessMl.Cli.Commands;
using ServerlessMl.Definitions;
using ServerlessMl.Models;
using ServerlessMl.Serving;

namespace ServerlessMl.Cli.Serve;

/// <summary>
/// serve's web host, built and mapped but not started: configuration from the command line and the
/// environment, the services, the champions' preload under way, the error handler and the routes.
/// </summary>
public static class ServeHost
{
    /// <param name="configureServices">Runs after serve's own registrations, before the host is built
    /// (the in-process benchmarks put their own server in Kestrel's place, the cold-start host adds
    /// its measuring endpoints' services).</param>
    public static WebApplication Build(ServeCommand.Settings settings, ApiKeys keys, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(keys);
        // Content root at the binaries, not the current folder: nothing is read from it, and watching
        // a large working folder for configuration changes cost start-up time (docs/benchmarks.md).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        var overrides = CliServices.StorageOverrides(settings);
        // The champions load while the host starts unless --lazy; a Serving__PreloadOnStart setting
        // in the configuration is kept without --lazy.
        if (settings.Lazy || builder.Configuration["Serving:PreloadOnStart"] is null)
        {
            overrides["Serving:PreloadOnStart"] = settings.Lazy ? "false" : "true";
        }

        builder.Configuration.AddInMemoryCollection(overrides);
        CliServices.RequireStorage(builder.Configuration);
        builder.WebHost.UseUrls($"http://{settings.Host}:{settings.Port}");
        // Hosting.Diagnostics off: while any level of it is enabled, ASP.NET Core starts an Activity
        // and a logging scope for every request only to correlate request logs that serve never
        // writes; telemetry (OTLP) still gets its request spans through its own listener.
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true)
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None)
            .AddFilter("Azure", LogLevel.Warning)
            // A failed start is logged here with its stack and then reported by serve in one line.
            .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.Services.AddProblemDetails();
        builder.Services.AddServerlessMl(builder.Configuration).AddShippedModels();
        builder.Services.AddSchedules(builder.Configuration, required: false);
        if (ServiceCollectionExtensions.OtlpConfigured(builder.Configuration))
        {
            builder.Services.AddServerlessMlTelemetry(builder.Configuration);
        }

        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.Services.StartModelPreload();

        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Only a bug gets here: caller mistakes are answered by the handlers with 4xx.
            ExceptionHandler = http => Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Internal error").ExecuteAsync(http),
        });
        ApiRoutes.Map(app, keys);

        return app;
    }
}
