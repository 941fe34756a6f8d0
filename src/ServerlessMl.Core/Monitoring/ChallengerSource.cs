using System.Globalization;
using Microsoft.Extensions.Options;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;
using ServerlessMl.Serving;

namespace ServerlessMl.Monitoring;

/// <summary>
/// Which version <c>Models__&lt;name&gt;__Challenger</c> names now, and that version fetched and
/// verified by the registry's loader: the storage side of a shadow challenger, always in the
/// background, under the budget background loads get.
/// </summary>
internal sealed class ChallengerSource(ModelRegistry registry, ModelLoader loader, IOptions<ServingOptions> serving)
{
    private readonly TimeSpan _budget = TimeSpan.FromSeconds(serving.Value.LoadTimeoutSeconds);

    /// <summary>The version the setting names: a number as given, or the newest version the gate rejected; null for none.</summary>
    public async Task<string?> ResolveAsync(string model, string setting, CancellationToken cancellationToken)
    {
        if (!string.Equals(setting, ChallengerSetting.LatestRejected, StringComparison.OrdinalIgnoreCase))
        {
            return ModelRegistry.FormatVersion(int.Parse(setting, NumberStyles.None, CultureInfo.InvariantCulture));
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_budget);
        var versions = await registry.ListVersionsAsync(model, deadline.Token);
        return versions.LastOrDefault(v => !v.Gate.Passed)?.Version;
    }

    /// <exception cref="ModelRefusedException">The version is missing or cannot serve.</exception>
    public async Task<LoadedModel> LoadAsync(IModelDefinition definition, string version, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_budget);
        return await loader.LoadAsync(definition, version, deadline.Token);
    }
}
