using ServerlessMl.Models;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Models.SmsSpam;

namespace ServerlessMl.Cli;

/// <summary>The models the command line knows: the same registrations as the function app.</summary>
internal static class CliModels
{
    public static ServerlessMlBuilder AddShippedModels(this ServerlessMlBuilder builder) =>
        builder.AddModel<BikeDemandModel>().AddModel<SmsSpamModel>();

    /// <summary>For commands that work on local files, without storage or a service container.</summary>
    public static ModelCatalog Catalog { get; } = new([new BikeDemandModel(), new SmsSpamModel()]);

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
