using ServerlessMl.Definitions;

namespace ServerlessMl.Registry;

/// <summary>
/// Moves the champion alias only to a version that can serve: the same checks a serving instance
/// makes before it loads a model (<see cref="ModelLoader"/>) run first, so a promotion can never
/// leave every new instance answering 503. An operator who insists passes <c>force</c>, and the
/// alias records that it was forced and why.
/// </summary>
internal sealed class ChampionPromoter
{
    private readonly ModelCatalog catalog;
    private readonly ModelRegistry registry;
    private readonly ModelLoader loader;

    internal ChampionPromoter(ModelCatalog catalog, ModelRegistry registry, ModelLoader loader)
    {
        this.catalog = catalog;
        this.registry = registry;
        this.loader = loader;
    }

    /// <exception cref="VersionNotFoundException">No such version.</exception>
    /// <exception cref="ModelRefusedException">The version cannot serve and <paramref name="force"/> is false; the alias did not move.</exception>
    public async Task<Promotion> PromoteAsync(string model, string version, bool force, string reason, CancellationToken cancellationToken)
    {
        var definition = catalog.Get(model);
        if (!await registry.VersionExistsAsync(definition.Name, version, cancellationToken))
        {
            throw new VersionNotFoundException(definition.Name, version);
        }

        string? refused = null;
        LoadedModel? verified = null;
        try
        {
            verified = await loader.LoadAsync(definition, version, cancellationToken);
        }
        catch (ModelRefusedException ex) when (force)
        {
            refused = ex.Reason;
        }

        var alias = await registry.PromoteAsync(
            definition.Name,
            version,
            refused is null ? reason : $"{reason}, forced although it cannot serve: {refused}",
            null,
            cancellationToken);
        return new Promotion(alias.Model, alias.Version, alias.PromotedUtc, refused) { Verified = verified };
    }

    /// <summary>
    /// Promotes the candidate a retrain run has just published, if the champion is still as the
    /// run read it. The run wrote its model.zip from the bytes it hashed into the manifest, so only
    /// the manifest's checks remain; loading it again would prove nothing new.
    /// </summary>
    /// <exception cref="RegistryConflictException">The champion moved since <paramref name="expected"/> was read.</exception>
    /// <exception cref="ModelRefusedException">The manifest cannot describe a version this app serves.</exception>
    internal Task<ChampionAlias> PromoteCandidateAsync(
        IModelDefinition definition, ModelManifest published, ExpectedChampion expected, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(published);
        ModelLoader.Verify(definition, published.Version, published);
        return registry.PromoteAsync(definition.Name, published.Version, reason, expected, cancellationToken);
    }
}

/// <summary>
/// The champion as the alias now names it; for a forced promotion, why the version could not
/// serve; otherwise the verified model, which a serving instance can take instead of loading the
/// version again.
/// </summary>
internal sealed record Promotion(string Model, string Version, DateTimeOffset PromotedUtc, string? ForcedPast)
{
    internal LoadedModel? Verified { get; init; }
}
