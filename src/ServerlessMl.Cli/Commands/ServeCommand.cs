using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServerlessMl.Cli.Serve;
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
        [Description("Address to bind: 127.0.0.1 is this machine only; 0.0.0.0 (or another address) serves the network and then needs --api-key and --admin-key.")]
        [DefaultValue("127.0.0.1")]
        public string Host { get; init; } = "127.0.0.1";

        [CommandOption("-p|--port <PORT>")]
        [Description("Port (7071, as Core Tools; 0 picks a free one).")]
        [DefaultValue(7071)]
        public int Port { get; init; } = 7071;

        [CommandOption("--api-key <KEY>")]
        [Description("Key for the function-level routes (predict, models). Default: SERVERLESSML_API_KEY. With no key at all, every route is open (loopback only).")]
        public string? ApiKey { get; init; }

        [CommandOption("--admin-key <KEY>")]
        [Description("Key for the admin routes (retrain, promote). Default: SERVERLESSML_ADMIN_KEY. With only --api-key given, admin routes refuse everyone.")]
        public string? AdminKey { get; init; }

        [CommandOption("--lazy")]
        [Description("Load each champion on its first request instead of while starting (the model-on-demand pattern at its purest; the first request waits for the load).")]
        public bool Lazy { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            base.Validate() is { Successful: false } invalid ? invalid
            : Port is < 0 or > 65535 ? Spectre.Console.ValidationResult.Error("--port must be 0-65535")
            : !ApiKeys.IsAddress(Host) ? Spectre.Console.ValidationResult.Error($"--host must be an IP address or localhost (e.g. 127.0.0.1 or 0.0.0.0), not '{Host}'")
            : Spectre.Console.ValidationResult.Success();
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        ServeAsync(settings, cancellationToken);

    /// <summary>Serves until the host is stopped (Ctrl+C, SIGTERM).</summary>
    /// <param name="configureServices">Runs after serve's own registrations, before the host is built.</param>
    /// <param name="configureApp">Runs on the built app after serve's routes are mapped, before it starts
    /// (benchmarks/ hooks its measuring endpoints in here).</param>
    public static async Task<int> ServeAsync(
        Settings settings,
        CancellationToken cancellationToken,
        Action<IServiceCollection>? configureServices = null,
        Action<WebApplication>? configureApp = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var keys = new ApiKeys(
            NullIfEmpty(settings.ApiKey ?? Environment.GetEnvironmentVariable("SERVERLESSML_API_KEY")),
            NullIfEmpty(settings.AdminKey ?? Environment.GetEnvironmentVariable("SERVERLESSML_ADMIN_KEY")));
        if (!ApiKeys.IsLoopback(settings.Host))
        {
            RequireBothKeys(settings.Host, keys);
        }

        await using var app = ServeHost.Build(settings, keys, configureServices);
        configureApp?.Invoke(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("serve");
        if (keys.Open)
        {
            LogOpen(logger);
        }
        else if (!keys.AdminConfigured)
        {
            LogAdminClosed(logger);
        }

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            throw new CliException($"Cannot listen on http://{settings.Host}:{settings.Port}: the port is in use. Choose another --port, or stop what uses it.");
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            // Kestrel reports an address this machine does not have as a bare SocketException, which
            // would otherwise read as a storage failure.
            throw new CliException($"Cannot listen on http://{settings.Host}:{settings.Port}: {ex.Message}. Check --host (127.0.0.1, 0.0.0.0 or an address of this machine) and --port.");
        }

        LogListening(logger, string.Join(", ", app.Urls));
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    // Off loopback, either key missing leaves a level open to the network or closed to its owner;
    // both are asked for so that serving the network is a deliberate choice.
    private static void RequireBothKeys(string host, ApiKeys keys)
    {
        var missing = (keys.FunctionConfigured, keys.AdminConfigured) switch
        {
            (false, false) => "keys",
            (false, true) => "--api-key",
            (true, false) => "--admin-key",
            _ => null,
        };
        if (missing is not null)
        {
            throw new CliException($"Refusing to serve on {host} without {missing}: off loopback serve needs both --api-key and --admin-key (or SERVERLESSML_API_KEY and SERVERLESSML_ADMIN_KEY), or bind 127.0.0.1.");
        }
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "Serving without keys: every route is open to this machine (development only)")]
    private static partial void LogOpen(ILogger logger);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "No admin key: retrain and promote refuse every request (pass --admin-key to use them)")]
    private static partial void LogAdminClosed(ILogger logger);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "Listening on {Urls}")]
    private static partial void LogListening(ILogger logger, string urls);
}
