using ServerlessMl.Models.BikeDemand;

namespace ServerlessMl.Models;

/// <summary>The models this app knows, by name. Adding a model is one folder and one line here.</summary>
public sealed class ModelCatalog
{
    private readonly Dictionary<string, IModelDefinition> _models;

    public ModelCatalog(IEnumerable<IModelDefinition> models)
    {
        _models = models.ToDictionary(m => m.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The catalog as shipped.</summary>
    public static ModelCatalog Default { get; } = new(
    [
        new BikeDemandModel(),
    ]);

    public IEnumerable<IModelDefinition> All => _models.Values;

    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IModelDefinition? model) =>
        _models.TryGetValue(name, out model);

    public IModelDefinition Get(string name) =>
        TryGet(name, out var model) ? model : throw new KeyNotFoundException(Unknown(name));

    /// <summary>The one wording for a name that is not registered, naming those that are.</summary>
    public string Unknown(string name) => $"Unknown model '{name}'. Known: {string.Join(", ", _models.Keys)}.";
}
