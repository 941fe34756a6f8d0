using Microsoft.Extensions.DependencyInjection;
using ServerlessMl.Definitions;
using ServerlessMl.Models;

namespace ServerlessMl.Cli;

/// <summary>The models the command line knows: the same registration as the function app's.</summary>
internal static class CliModels
{
    /// <summary>For commands that work on local files, without storage: the registered models alone.</summary>
    public static ModelCatalog Catalog { get; } = new(Registered());

    private static IEnumerable<IModelDefinition> Registered()
    {
        var services = new ServiceCollection();
        new ServerlessMlBuilder(services).AddShippedModels();
        using var provider = services.BuildServiceProvider();
        return [.. provider.GetServices<IModelDefinition>()];
    }

    /// <summary>The model named by --model, or the only one registered.</summary>
    public static string Resolve(string? name) => name ?? Catalog.Names.Single();

    public static Spectre.Console.ValidationResult Validate(string? name) =>
        name is null
            ? Catalog.Names.Count == 1
                ? Spectre.Console.ValidationResult.Success()
                : Spectre.Console.ValidationResult.Error($"Name the model with --model: {string.Join(", ", Catalog.Names)}.")
            : Catalog.TryGet(name, out _)
                ? Spectre.Console.ValidationResult.Success()
                : Spectre.Console.ValidationResult.Error(Catalog.Unknown(name));
}
