namespace ServerlessMl.Serving;

/// <summary>An engine rented for several predictions; dispose to give it back to its own generation.</summary>
internal readonly struct EngineLease(ModelGeneration generation, object engine) : IDisposable
{
    public ModelGeneration Generation { get; } = generation;

    /// <summary>The engine, of the types its model's definition created it with.</summary>
    public object Engine { get; } = engine;

    public void Dispose() => Generation?.Return(Engine);
}
