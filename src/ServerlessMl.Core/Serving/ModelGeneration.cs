using Microsoft.ML;
using ServerlessMl.Registry;

namespace ServerlessMl.Serving;

/// <summary>
/// One loaded version of one model and its own pool of prediction engines. Engines rented from a
/// generation always come back to it, never to its successor; once retired, it disposes its
/// engines as they return and is gone when the last one is back.
/// </summary>
internal sealed class ModelGeneration
{
    private readonly Func<ITransformer, object> _createEngine;

    // Idle engines, one per slot. A rental and a return each cost one atomic operation on a slot;
    // on a prediction of a few microseconds, every further interlocked counter showed up in the
    // pool's overhead, on two threads most of all.
    private readonly object?[] _idle;
    private readonly PoolCounters _counters;

    // Engines created and not yet disposed, idle or rented; the generation is disposed when it is
    // retired and this reaches zero.
    private int _live;
    private int _retired;
    private int _disposed;

    internal ModelGeneration(ModelManifest manifest, ITransformer model, Func<ITransformer, object> createEngine, int maxIdle, PoolCounters counters, DateTimeOffset loadedUtc)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIdle, 1);
        Manifest = manifest;
        Model = model;
        _createEngine = createEngine;
        EngineCreated = static (_, _) => { };
        _idle = new object?[maxIdle];
        _counters = counters;
        LoadedUtc = loadedUtc;
        counters.GenerationCreated();
    }

    public ModelManifest Manifest { get; }

    /// <summary>Told of each engine this generation creates, so the pool can find an engine's generation on return.</summary>
    internal Action<object, ModelGeneration> EngineCreated { get; set; }

    public string Version => Manifest.Version;

    public DateTimeOffset LoadedUtc { get; }

    public ITransformer Model { get; }

    /// <summary>Engines pooled and idle right now.</summary>
    public int IdleEngines => _idle.Count(e => e is not null);

    /// <summary>
    /// Takes an engine, or returns null if this generation was retired meanwhile (the caller then
    /// asks the pool for the current one).
    /// </summary>
    internal object? TryRent()
    {
        if (Volatile.Read(ref _retired) != 0)
        {
            return null;
        }

        var idle = _idle;
        for (var i = 0; i < idle.Length; i++)
        {
            var engine = Volatile.Read(ref idle[i]);
            if (engine is not null && ReferenceEquals(Interlocked.CompareExchange(ref idle[i], null, engine), engine))
            {
                return engine;
            }
        }

        Interlocked.Increment(ref _live);
        if (Volatile.Read(ref _retired) != 0)
        {
            Released();
            return null;
        }

        object created;
        try
        {
            created = _createEngine(Model);
        }
        catch
        {
            Released();
            throw;
        }

        _counters.EngineCreated();
        EngineCreated(created, this);
        return created;
    }

    internal void Return(object engine)
    {
        if (Volatile.Read(ref _retired) == 0)
        {
            var idle = _idle;
            for (var i = 0; i < idle.Length; i++)
            {
                if (Volatile.Read(ref idle[i]) is null && Interlocked.CompareExchange(ref idle[i], engine, null) is null)
                {
                    if (Volatile.Read(ref _retired) != 0 && ReferenceEquals(Interlocked.CompareExchange(ref idle[i], null, engine), engine))
                    {
                        // Retired while it was being pooled, and the drain may have passed this slot.
                        DisposeEngine(engine);
                    }

                    return;
                }
            }
        }

        DisposeEngine(engine);
    }

    /// <summary>No new rentals; disposes now if nothing is rented, else when the last engine returns.</summary>
    internal void Retire()
    {
        if (Interlocked.Exchange(ref _retired, 1) != 0)
        {
            return;
        }

        Interlocked.Increment(ref _live); // the drain holds the generation open until it is done
        for (var i = 0; i < _idle.Length; i++)
        {
            if (Interlocked.Exchange(ref _idle[i], null) is { } engine)
            {
                DisposeEngine(engine);
            }
        }

        Released();
    }

    private void DisposeEngine(object engine)
    {
        (engine as IDisposable)?.Dispose();
        _counters.EngineDisposed();
        Released();
    }

    private void Released()
    {
        if (Interlocked.Decrement(ref _live) == 0 && Volatile.Read(ref _retired) != 0
            && Interlocked.CompareExchange(ref _disposed, 1, 0) == 0)
        {
            (Model as IDisposable)?.Dispose();
            _counters.GenerationDisposed();
        }
    }
}

/// <summary>Counts that make the pool's life cycle observable (tests, health).</summary>
internal sealed class PoolCounters
{
    private long _generationsCreated;
    private long _generationsDisposed;
    private long _enginesCreated;
    private long _enginesDisposed;
    private long _modelDownloads;

    public long GenerationsCreated => Interlocked.Read(ref _generationsCreated);
    public long GenerationsDisposed => Interlocked.Read(ref _generationsDisposed);
    public long EnginesCreated => Interlocked.Read(ref _enginesCreated);
    public long EnginesDisposed => Interlocked.Read(ref _enginesDisposed);

    /// <summary>model.zip downloads that completed, whether or not the version was then accepted.</summary>
    public long ModelDownloads => Interlocked.Read(ref _modelDownloads);

    internal void GenerationCreated() => Interlocked.Increment(ref _generationsCreated);
    internal void GenerationDisposed() => Interlocked.Increment(ref _generationsDisposed);
    internal void EngineCreated() => Interlocked.Increment(ref _enginesCreated);
    internal void EngineDisposed() => Interlocked.Increment(ref _enginesDisposed);
    internal void ModelDownloaded() => Interlocked.Increment(ref _modelDownloads);
}
