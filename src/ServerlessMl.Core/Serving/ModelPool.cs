using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;
using ServerlessMl.Storage;

namespace ServerlessMl.Serving;

/// <summary>
/// The prediction engine pool: for each model, the champion loaded on first use (one download
/// however many callers arrive at once), a bounded pool of engines per loaded generation, a
/// re-check of the champion alias once <see cref="ServingOptions.ModelRefreshSeconds"/> have passed
/// (the first caller after that waits for it, within <see cref="StorageOptions.TimeoutSeconds"/>),
/// and an atomic swap to a new champion once <see cref="ModelLoader"/> has verified it. The API follows Microsoft.Extensions.ML's
/// PredictionEnginePool: <see cref="GetPredictionEngine{TIn,TOut}"/>,
/// <see cref="ReturnPredictionEngine{TIn,TOut}"/>, <see cref="Predict{TIn,TOut}"/>. The work is
/// split as there: <see cref="ChampionRefresher"/> watches and loads, <see cref="ModelGeneration"/>
/// pools one loaded model's engines, <see cref="ModelSlot"/> holds one model's state and health.
/// </summary>
internal sealed class ModelPool : IDisposable
{
    private readonly Dictionary<string, ModelSlot> _slots;
    private readonly ModelSlot[] _inCatalogOrder;
    private readonly ChampionRefresher _refresher;
    // Each engine's generation, recorded once when the engine is created (not per rental).
    private readonly ConditionalWeakTable<object, ModelGeneration> _createdBy = [];
    private readonly TimeSpan _callerDeadline;
    private readonly Telemetry.ServerlessMlMetrics _metrics;

    public ModelPool(
        ModelCatalog catalog,
        ModelRegistry registry,
        ModelLoader loader,
        StorageOptions storage,
        IOptions<ServingOptions> options,
        IOptions<ModelSettingsMap> modelSettings,
        Telemetry.ServerlessMlMetrics metrics,
        ILogger<ModelPool> logger)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(modelSettings);
        _callerDeadline = storage.Timeout;
        _metrics = metrics;
        _refresher = new ChampionRefresher(registry, loader, options.Value, Counters, metrics, CreateGeneration, logger);
        _inCatalogOrder = catalog.All
            .Select(d => new ModelSlot(d, ServingLimits.For(modelSettings.Value, d.Name, options.Value).MaxEnginesPerModel))
            .ToArray();
        _slots = _inCatalogOrder.ToDictionary(slot => slot.Definition.Name, StringComparer.OrdinalIgnoreCase);
    }

    public PoolCounters Counters { get; } = new();

    /// <summary>
    /// The generation to predict with, loading the champion first if this instance has none yet.
    /// When the champion is due for a re-check, this caller waits for that check (one conditional
    /// request) within the storage deadline, so a promotion reaches every instance within
    /// <see cref="ServingOptions.ModelRefreshSeconds"/> however idle it was.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The model is not in the catalog.</exception>
    /// <exception cref="ModelUnavailableException">No champion, or it cannot be loaded in time and nothing is cached.</exception>
    public ValueTask<ModelGeneration> GetGenerationAsync(string model, CancellationToken cancellationToken)
    {
        var slot = Slot(model);
        var current = slot.Current;
        if (current is null)
        {
            return FirstLoadAsync(slot, cancellationToken);
        }

        var check = _refresher.RefreshIfDue(slot);
        return check is null ? ValueTask.FromResult(current) : AfterDueCheckAsync(slot, check, current, cancellationToken);
    }

    private async ValueTask<ModelGeneration> FirstLoadAsync(ModelSlot slot, CancellationToken cancellationToken)
    {
        try
        {
            await _refresher.RefreshOnceAsync(slot, firstLoad: true).WaitAsync(_callerDeadline, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The load goes on in the background; a later request finds it done.
            throw new ModelUnavailableException(slot.Definition.Name, "model storage did not answer in time");
        }

        return slot.Current ?? throw new ModelUnavailableException(slot.Definition.Name, slot.UnavailableReason());
    }

    private async ValueTask<ModelGeneration> AfterDueCheckAsync(ModelSlot slot, Task check, ModelGeneration current, CancellationToken cancellationToken)
    {
        // A slow or failed check never fails a caller who can be served from what is loaded.
        await check.WaitAsync(_callerDeadline, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
        return slot.Current ?? current;
    }

    /// <summary>Predicts with a pooled engine of the current generation (typed by the model definition).</summary>
    // Out of line on purpose: inlined into the caller (possible since .NET 10 despite the
    // try/finally) it measured slower with varied inputs (docs/benchmarks.md, the pool).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public TOut Predict<TIn, TOut>(string model, TIn input)
        where TIn : class
        where TOut : class, new()
    {
        var (generation, engine) = Rent(model);
        try
        {
            return ((PredictionEngine<TIn, TOut>)engine).Predict(input);
        }
        finally
        {
            generation.Return(engine);
        }
    }

    /// <summary>Rents an engine; give it back with <see cref="ReturnPredictionEngine{TIn,TOut}"/>.</summary>
    public PredictionEngine<TIn, TOut> GetPredictionEngine<TIn, TOut>(string model)
        where TIn : class
        where TOut : class, new()
    {
        return (PredictionEngine<TIn, TOut>)Rent(model).Engine;
    }

    /// <summary>
    /// Returns an engine to the generation that created it: after a swap it is disposed, never
    /// handed to callers of the new model. Return each rented engine once.
    /// </summary>
    public void ReturnPredictionEngine<TIn, TOut>(string model, PredictionEngine<TIn, TOut> engine)
        where TIn : class
        where TOut : class, new()
    {
        ArgumentNullException.ThrowIfNull(engine);
        if (!_createdBy.TryGetValue(engine, out var generation))
        {
            throw new InvalidOperationException($"This engine was not rented from the pool of '{model}'.");
        }

        generation.Return(engine);
    }

    /// <summary>Rents an engine from the current generation for a caller that predicts several times (a batch).</summary>
    internal async ValueTask<EngineLease> RentAsync(string model, CancellationToken cancellationToken)
    {
        var slot = Slot(model);
        var generation = await GetGenerationAsync(model, cancellationToken);
        while (true)
        {
            var engine = generation.TryRent();
            if (engine is not null)
            {
                CountRental(slot);
                return new EngineLease(generation, engine);
            }

            generation = slot.Current!;
        }
    }

    /// <summary>
    /// Starts the first load of <paramref name="model"/> if this instance has none, without waiting:
    /// a caller with other work to do first (reading a request body) overlaps it with the load.
    /// </summary>
    public void BeginLoad(string model)
    {
        var slot = Slot(model);
        if (slot.Current is null)
        {
            _ = _refresher.RefreshOnceAsync(slot, firstLoad: true);
        }
    }

    /// <summary>
    /// Loads every model's champion not yet loaded, one model after another in the order they were
    /// added (single-flight, as a first request would; a request for a later model meanwhile starts
    /// its load at once).
    /// </summary>
    /// <remarks>
    /// One at a time because loading is CPU-bound (JIT and Model.Load): on an instance with one or
    /// two cores, loading side by side made every model ready later than the first would be alone.
    /// </remarks>
    public async Task PreloadAsync()
    {
        foreach (var slot in _inCatalogOrder)
        {
            if (slot.Current is null)
            {
                await _refresher.RefreshOnceAsync(slot, firstLoad: true);
            }
        }
    }

    public LoadedModelInfo GetLoadedModel(string model) => Slot(model).Describe();

    public IEnumerable<LoadedModelInfo> GetLoadedModels() => _slots.Values.Select(s => s.Describe());

    /// <summary>
    /// Checks the champion alias now and swaps if it moved (used after a promotion). A check
    /// already running may have read the alias before the caller's write, so this one waits for
    /// it and then checks again.
    /// </summary>
    public Task RefreshAsync(string model, CancellationToken cancellationToken) =>
        RefreshAsync(model, verified: null, cancellationToken);

    /// <summary>
    /// <see cref="RefreshAsync(string, CancellationToken)"/> after a promotion on this instance:
    /// <paramref name="verified"/>, just loaded and verified, is taken instead of downloading and
    /// loading it again if the alias names its version.
    /// </summary>
    internal Task RefreshAsync(string model, LoadedModel? verified, CancellationToken cancellationToken) =>
        _refresher.RefreshNowAsync(Slot(model), verified, cancellationToken);

    /// <summary>Whether the model exists in the catalog.</summary>
    public bool Knows(string model) => _slots.ContainsKey(model);

    public void Dispose()
    {
        foreach (var slot in _slots.Values)
        {
            slot.RetireAll();
        }
    }

    private (ModelGeneration Generation, object Engine) Rent(string model)
    {
        var slot = Slot(model);
        var generation = slot.Current;
        if (generation is null)
        {
            // The synchronous API blocks on the first load, as Microsoft.Extensions.ML's does.
            generation = GetGenerationAsync(model, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
        else
        {
            // The synchronous API never waits for a due check; it runs in the background.
            _ = _refresher.RefreshIfDue(slot);
        }

        while (true)
        {
            var engine = generation.TryRent();
            if (engine is not null)
            {
                CountRental(slot);
                return (generation, engine);
            }

            generation = slot.Current!; // retired between the read and the rent: take its successor
        }
    }

    private ModelSlot Slot(string model) =>
        _slots.TryGetValue(model, out var slot) ? slot : throw new KeyNotFoundException($"Unknown model '{model}'. Known: {string.Join(", ", _slots.Keys)}.");

    private void CountRental(ModelSlot slot)
    {
        if (_metrics.Rentals.Enabled)
        {
            _metrics.Rentals.Add(1, new KeyValuePair<string, object?>(Telemetry.ServerlessMlTelemetry.Tags.Model, slot.Definition.Name));
        }
    }

    private ModelGeneration CreateGeneration(IModelDefinition definition, LoadedModel loaded, int maxEngines)
    {
        var ml = loaded.Context;
        var generation = new ModelGeneration(loaded.Manifest, loaded.Transformer, t => definition.CreateEngine(ml, t), maxEngines, Counters, DateTimeOffset.UtcNow)
        {
            EngineCreated = (engine, owner) =>
            {
                _createdBy.AddOrUpdate(engine, owner);
                _metrics.EnginesCreated.Add(
                    1,
                    new KeyValuePair<string, object?>(Telemetry.ServerlessMlTelemetry.Tags.Model, definition.Name),
                    new KeyValuePair<string, object?>(Telemetry.ServerlessMlTelemetry.Tags.Version, owner.Version));
            },
        };

        // Warm one engine so the first request after a swap does not pay for building it.
        var engine = generation.TryRent()!;
        generation.Return(engine);
        return generation;
    }
}
