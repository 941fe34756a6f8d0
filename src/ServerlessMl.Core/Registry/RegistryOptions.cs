using System.ComponentModel.DataAnnotations;

namespace ServerlessMl.Registry;

internal sealed class RegistryOptions
{
    public const string SectionName = "Registry";

    /// <summary>Non-champion versions kept per model, newest first; older ones are deleted after a publish.</summary>
    [Range(1, 10_000)]
    public int KeepVersions { get; set; } = 20;
}
