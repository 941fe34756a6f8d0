using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ServerlessMl.Functions;

/// <summary>
/// The worker's telemetry in Azure: the Functions worker's own spans and the app's, to Application
/// Insights through the Azure Monitor exporter, signed in with the app's managed identity (the
/// resource allows no key-based ingestion). Locally: an OTLP collector if one is configured.
/// </summary>
public static class AzureMonitorTelemetry
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>"Authorization=AAD;ClientId=&lt;client id&gt;": the identity that may publish (Microsoft's documented format).</summary>
    public const string AuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>Exports when Application Insights or an OTLP collector is configured; otherwise subscribes nothing (no cost per request).</summary>
    public static IServiceCollection AddFunctionAppTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration[ConnectionStringSetting];
        var applicationInsights = !string.IsNullOrWhiteSpace(connectionString);
        if (!applicationInsights && !ServiceCollectionExtensions.OtlpConfigured(configuration))
        {
            return services;
        }

        var telemetry = services.AddServerlessMlTelemetry(configuration).UseFunctionsWorkerDefaults();
        if (applicationInsights)
        {
            var credential = Credential(configuration[AuthenticationSetting]);
            telemetry.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                options.Credential = credential;
            });
        }

        return services;
    }

    /// <summary>The managed identity named in the authentication string; any identity the environment offers without one.</summary>
    internal static TokenCredential? Credential(string? authentication)
    {
        if (string.IsNullOrWhiteSpace(authentication))
        {
            return null;
        }

        var parts = authentication.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var kind) || !string.Equals(kind, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Setting '{AuthenticationSetting}' must be 'Authorization=AAD' or 'Authorization=AAD;ClientId=<client id>'.");
        }

        return parts.TryGetValue("ClientId", out var clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
