using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ServerlessMl.Telemetry;

/// <summary>Hands the app's spans and metrics to OpenTelemetry; each host adds where they go.</summary>
public static class TelemetryExport
{
    /// <summary>The OpenTelemetry setting that names a collector (e.g. http://localhost:4317).</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Whether an OTLP collector is configured.</summary>
    public static bool OtlpConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration?[OtlpEndpointSetting]);

    /// <summary>
    /// Subscribes OpenTelemetry to <see cref="ServerlessMlTelemetry.Name"/> and, when
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
                tracing.AddSource(ServerlessMlTelemetry.Name);
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ServerlessMlTelemetry.Name);
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
    }
}
