using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ServerlessMl.Definitions;
using ServerlessMl.Models;

namespace ServerlessMl.Functions;

/// <summary>The function app's service graph: Program.cs and the composition tests call this one method.</summary>
public static class FunctionAppServices
{
    public static IServiceCollection AddFunctionApp(this IServiceCollection services, IConfiguration configuration) =>
        services
            .AddServerlessMl(configuration)
            .AddShippedModels()
            .Services
            .AddSchedules(configuration)
            .SkipPreloadOutsideTheHttpGroup(configuration)
            .AddFunctionAppTelemetry(configuration);
}
