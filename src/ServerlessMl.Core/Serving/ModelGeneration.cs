using System.Collections.Concurrent;
using Microsoft.ML;
using ServerlessMl.Registry;

namespace ServerlessMl.Serving;

/// <summary>
/// One loaded version of one model and its own pool of prediction engines. Engines rented from a
/// generation always come back to it, never to its successor; once retired, it disposes its
/// engines as they return and is gone when the last one is back.
/// </summary>
public sealed class ModelGeneration
{
    private readonly Func<ITransformer, object> _createEngine;
    private readonly ConcurrentQueue<object> _idle = new();
    private readonly int _maxIdle;
    private readonly PoolCounters _counters;
    private int _idleCount;
    private int _rented;
    private int _retired;
    private int _disposed;

    internal ModelGeneration(ModelManifest manifest, ITransformer model, Func<ITransformer, object> createEngine, int maxIdle, PoolCounters counters, DateTimeOffset loadedUtc)
    {
        Manifest = manifest;
        Model = model;
        _createEngine = createEngine;
        EngineCreated = static (_, _) => { };
        _maxIdle = maxIdle;
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

    public bool IsRetired => Volatile.Read(ref _retired) != 0;

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Engines pooled and idle right now.</summary>
    public int IdleEngines => Volatile.Read(ref _idleCount);

    /// <summary>
    /// Takes an engine, or returns null if this generation was retired meanwhile (the caller then
    /// asks the pool for the current one).
    /// </summary>
    internal object? TryRent()
    {
        Interlocked.Increment(ref _rented);
        if (Volatile.Read(ref _retired) != 0)
        {
            Release();
            return null;
        }

        if (_idle.TryDequeue(out var engine))
        {
            Interlocked.Decrement(ref _idleCount);
            return engine;
        }

        _counters.EngineCreated();
        var created = _createEngine(Model);
        EngineCreated(created, this);
        return created;
    }

    internal void Return(object engine)
    {
        if (Volatile.Read(ref _retired) == 0 && Interlocked.Increment(ref _idleCount) <= _maxIdle)
        {
            _idle.Enqueue(engine);
        }
        else
        {
            if (Volatile.Read(ref _retired) == 0)
            {
                Interlocked.Decrement(ref _idleCount);
            }

            DisposeEngine(engine);
        }

        Release();
    }

    /// <summary>No new rentals; disposes now if nothing is rented, else when the last engine returns.</summary>
    internal void Retire()
    {
        Interlocked.Exchange(ref _retired, 1);
        if (Volatile.Read(ref _rented) == 0)
        {
            TryDispose();
        }
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _rented) == 0 && Volatile.Read(ref _retired) != 0)
        {
            TryDispose();
        }
    }

    private void TryDispose()
    {
        if (Interlocked.CompareExchange(ref _disposed, 1, 0) != 0)
        {
            return;
        }

        while (_idle.TryDequeue(out var engine))
        {
            DisposeEngine(engine);
        }

        (Model as IDisposable)?.Dispose();
        _counters.GenerationDisposed();
    }

    private void DisposeEngine(object engine)
    {
        (engine as IDisposable)?.Dispose();
        _counters.EngineDisposed();
    }
}

/// <summary>Counts that make the pool's life cycle observable (tests, health).</summary>
public sealed class PoolCounters
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
    public long ModelDownloads => Interlocked.Read(ref _modelDownloads);

    internal void GenerationCreated() => Interlocked.Increment(ref _generationsCreated);
    internal void GenerationDisposed() => Interlocked.Increment(ref _generationsDisposed);
    internal void EngineCreated() => Interlocked.Increment(ref _enginesCreated);
    internal void EngineDisposed() => Interlocked.Increment(ref _enginesDisposed);
    internal void ModelDownloaded() => Interlocked.Increment(ref _modelDownloads);
}
