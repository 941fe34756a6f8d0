using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ServerlessMl.Functions;

/// <summary>
/// Flex Consumption runs each function group on instances of its own and tells an instance its group
/// in <c>FUNCTIONS_TARGET_GROUP</c>. An instance started for a timer serves no requests, so loading
/// the champions there at start would only cost it time and memory.
/// </summary>
internal static class FunctionGroupPreload
{
    public const string TargetGroupSetting = "FUNCTIONS_TARGET_GROUP";

    public static IServiceCollection SkipPreloadOutsideTheHttpGroup(this IServiceCollection services, IConfiguration configuration) =>
        ServesHttp(configuration[TargetGroupSetting]) ? services : services.SkipModelPreload();

    // No group (not Flex, or Flex without per-function scaling) means the instance serves everything.
    private static bool ServesHttp(string? group) =>
        string.IsNullOrWhiteSpace(group) || string.Equals(group.Trim(), "http", StringComparison.OrdinalIgnoreCase);
}
