using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServerlessMl.Cli.Commands;
using ServerlessMl.Definitions;
using ServerlessMl.Models;

namespace ServerlessMl.Cli;

/// <summary>The same services the Functions app composes, configured from the environment and the command line.</summary>
public static class CliServices
{
    public static ServiceProvider Build(StorageSettings settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddInMemoryCollection(StorageOverrides(settings))
            .Build();
        RequireStorage(configuration);

        var services = new ServiceCollection();
        services.AddLogging(logging => logging
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddFilter("Azure", LogLevel.Warning)
            .SetMinimumLevel(LogLevel.Information));
        services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        services.AddServerlessMl(configuration).AddShippedModels();
        services.AddSingleton<Training.TrainingDataUploader>();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    /// <summary>The storage given on the command line, over what the environment says.</summary>
    public static Dictionary<string, string?> StorageOverrides(StorageSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var overrides = new Dictionary<string, string?>();
        if (settings.Connection is not null)
        {
            overrides["ModelStorage"] = settings.Connection;
        }

        if (settings.BlobUri is not null)
        {
            overrides["ModelStorage"] = null;
            overrides["ModelStorage:blobServiceUri"] = settings.BlobUri;
        }

        return overrides;
    }

    public static void RequireStorage(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.IsNullOrEmpty(configuration["ModelStorage"]) && string.IsNullOrEmpty(configuration["ModelStorage:blobServiceUri"]))
        {
            throw new CliException("No storage given: pass --connection or --blob-uri, or set ModelStorage (scripts/azurite.sh writes it to .azurite/azurite.env).");
        }
    }
}

/// <summary>A user error: printed without a stack trace, exit code 2.</summary>
public sealed class CliException(string message) : Exception(message);
