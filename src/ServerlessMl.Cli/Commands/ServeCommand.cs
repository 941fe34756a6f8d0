using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServerlessMl.Cli.Serve;
using ServerlessMl.Http;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli.Commands;

/// <summary>
/// `serverless-ml serve`: the Functions app's HTTP routes and handlers on Kestrel, for machines
/// without Azure Functions Core Tools.
/// </summary>
public sealed partial class ServeCommand : AsyncCommand<ServeCommand.Settings>
{
    public sealed class Settings : StorageSettings
    {
        [CommandOption("--host <ADDRESS>")]
        [Description("Address to bind (default 127.0.0.1: this machine only).")]
        public string Host { get; init; } = "127.0.0.1";

        [CommandOption("-p|--port <PORT>")]
        [Description("Port (default 7071, as Core Tools).")]
        public int Port { get; init; } = 7071;

        [CommandOption("--api-key <KEY>")]
        [Description("Key for the function-level routes (predict, models). Default: SERVERLESSML_API_KEY, else open.")]
        public string? ApiKey { get; init; }

        [CommandOption("--admin-key <KEY>")]
        [Description("Key for the admin routes (retrain, promote). Default: SERVERLESSML_ADMIN_KEY, else open.")]
        public string? AdminKey { get; init; }

        [CommandOption("--preload")]
        [Description("Load the champions while starting instead of on the first request (Serving__PreloadOnStart).")]
        public bool Preload { get; init; }

        [CommandOption("--benchmark-endpoints")]
        [Description("Also map POST /bench/constant (the constant-response floor for load tests) and POST /bench/by-hand/{model}/predict (loads the champion by hand on every call: the cold-start floor).")]
        public bool BenchmarkEndpoints { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            Port is < 0 or > 65535 ? Spectre.Console.ValidationResult.Error("--port must be 0-65535") : Spectre.Console.ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Content root at the binaries, not the current folder: nothing is read from it, and watching
        // a large working folder for configuration changes cost ~100 ms of start-up.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        var overrides = CliServices.StorageOverrides(settings);
        if (settings.Preload)
        {
            overrides["Serving:PreloadOnStart"] = "true";
        }

        builder.Configuration.AddInMemoryCollection(overrides);
        CliServices.RequireStorage(builder.Configuration);
        builder.WebHost.UseUrls($"http://{settings.Host}:{settings.Port}");
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Azure", LogLevel.Warning);
        builder.Services.AddProblemDetails();
        builder.Services.AddServerlessMlTraining(builder.Configuration).AddServerlessMlServing(builder.Configuration);
        if (settings.BenchmarkEndpoints)
        {
            builder.Services.AddSingleton<ByHandPredictEndpoint>();
        }

        var keys = new ApiKeys(
            settings.ApiKey ?? Environment.GetEnvironmentVariable("SERVERLESSML_API_KEY"),
            settings.AdminKey ?? Environment.GetEnvironmentVariable("SERVERLESSML_ADMIN_KEY"));

        await using var app = builder.Build();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Only a bug gets here: caller mistakes are answered by the handlers with 4xx.
            ExceptionHandler = http => Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Internal error").ExecuteAsync(http),
        });
        ApiRoutes.Map(app, keys, settings.BenchmarkEndpoints);

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("serve");
        if (keys.FunctionOpen || keys.AdminOpen)
        {
            LogOpen(logger, keys.FunctionOpen ? "any" : "an admin");
        }

        await app.StartAsync(cancellationToken);
        LogListening(logger, string.Join(", ", app.Urls));
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "Serving without {Which} key: fine on 127.0.0.1 for development, not on a shared network")]
    private static partial void LogOpen(ILogger logger, string which);

    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "Listening on {Urls}")]
    private static partial void LogListening(ILogger logger, string urls);
}
