namespace ServerlessMl.Definitions;

/// <summary>
/// The models this app serves and retrains, by name: every definition registered with
/// <see cref="ServerlessMlBuilder.AddModel{TModel}"/>.
/// </summary>
internal sealed class ModelCatalog
{
    private readonly Dictionary<string, IModelDefinition> _models;

    public ModelCatalog(IEnumerable<IModelDefinition> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        _models = new Dictionary<string, IModelDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in models)
        {
            if (!IsValidName(model.Name))
            {
                throw new ArgumentException($"Model name '{model.Name}' must be 1-63 lowercase letters, digits and single hyphens (it is a blob prefix and a route segment).", nameof(models));
            }

            if (!_models.TryAdd(model.Name, model))
            {
                throw new ArgumentException($"Two model definitions are named '{model.Name}'.", nameof(models));
            }
        }
    }

    public IEnumerable<IModelDefinition> All => _models.Values;

    public IReadOnlyCollection<string> Names => _models.Keys;

    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IModelDefinition? model) =>
        _models.TryGetValue(name, out model);

    public IModelDefinition Get(string name) =>
        TryGet(name, out var model) ? model : throw new KeyNotFoundException(Unknown(name));

    /// <summary>The one wording for a name that is not registered, naming those that are.</summary>
    public string Unknown(string name) => $"Unknown model '{name}'. Known: {string.Join(", ", _models.Keys)}.";

    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= 63 }
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && name[0] != '-' && name[^1] != '-' && !name.Contains("--", StringComparison.Ordinal);
}
