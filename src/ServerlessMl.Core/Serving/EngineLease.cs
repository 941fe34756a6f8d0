using ServerlessMl.Definitions;

namespace ServerlessMl.Serving;

/// <summary>An engine rented for several predictions; dispose to give it back to its own generation.</summary>
public readonly struct EngineLease : IDisposable, IEquatable<EngineLease>
{
    private readonly IModelDefinition _definition;
    private readonly object _engine;

    internal EngineLease(IModelDefinition definition, ModelGeneration generation, object engine)
    {
        _definition = definition;
        Generation = generation;
        _engine = engine;
    }

    public ModelGeneration Generation { get; }

    /// <summary>Predicts one validated request: the model's answer item (see <see cref="IModelDefinition.Predict"/>).</summary>
    public object Predict(object request) => _definition.Predict(_engine, request);

    public void Dispose() => Generation?.Return(_engine);

    public bool Equals(EngineLease other) => ReferenceEquals(_engine, other._engine);

    public override bool Equals(object? obj) => obj is EngineLease other && Equals(other);

    public override int GetHashCode() => _engine?.GetHashCode() ?? 0;

    public static bool operator ==(EngineLease left, EngineLease right) => left.Equals(right);

    public static bool operator !=(EngineLease left, EngineLease right) => !left.Equals(right);
}
