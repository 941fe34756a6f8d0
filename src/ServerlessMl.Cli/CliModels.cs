using ServerlessMl.Models;
using ServerlessMl.Models.BikeDemand;

namespace ServerlessMl.Cli;

/// <summary>The models the command line knows: the same registrations as the function app.</summary>
internal static class CliModels
{
    public static ServerlessMlBuilder AddShippedModels(this ServerlessMlBuilder builder) =>
        builder.AddModel<BikeDemandModel>();

    /// <summary>For commands that work on local files, without storage or a service container.</summary>
    public static ModelCatalog Catalog { get; } = new([new BikeDemandModel()]);
}
