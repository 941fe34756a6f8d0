using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML;
using ServerlessMl.Models;
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
/// <see cref="ReturnPredictionEngine{TIn,TOut}"/>, <see cref="Predict{TIn,TOut}"/>.
/// </summary>
public sealed partial class ModelPool : IDisposable
{
    private readonly Dictionary<string, ModelSlot> _slots;
    private readonly ModelRegistry _registry;
    private readonly ModelLoader _loader;
    private readonly ServingOptions _options;
    private readonly ILogger<ModelPool> _logger;
    // Each engine's generation, recorded once when the engine is created (not per rental).
    private readonly ConditionalWeakTable<object, ModelGeneration> _createdBy = [];
    private readonly long _refreshTicks;
    private readonly TimeSpan _callerDeadline;

    public ModelPool(ModelCatalog catalog, ModelRegistry registry, ModelLoader loader, StorageOptions storage, IOptions<ServingOptions> options, ILogger<ModelPool> logger)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storage);
        _registry = registry;
        _loader = loader;
        _options = options.Value;
        _logger = logger;
        _refreshTicks = _options.ModelRefreshSeconds * 1000L;
        _callerDeadline = storage.Timeout;
        _slots = catalog.All.ToDictionary(d => d.Name, d => new ModelSlot(d), StringComparer.OrdinalIgnoreCase);
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

        var check = RefreshIfDue(slot);
        return check is null ? ValueTask.FromResult(current) : AfterDueCheckAsync(slot, check, current, cancellationToken);
    }

    private async ValueTask<ModelGeneration> FirstLoadAsync(ModelSlot slot, CancellationToken cancellationToken)
    {
        try
        {
            await RefreshOnceAsync(slot, firstLoad: true).WaitAsync(_callerDeadline, cancellationToken);
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
    // try/finally) it was no faster with one input and 1.11-1.12x the floor with varied inputs
    // against 0.93-1.02x out of line (docs/benchmarks.md).
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
    public async ValueTask<EngineLease> RentAsync(string model, CancellationToken cancellationToken)
    {
        var slot = Slot(model);
        var generation = await GetGenerationAsync(model, cancellationToken);
        while (true)
        {
            var engine = generation.TryRent();
            if (engine is not null)
            {
                return new EngineLease(slot.Definition, generation, engine);
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
            _ = RefreshOnceAsync(slot, firstLoad: true);
        }
    }

    /// <summary>Starts loading every model's champion (single-flight, as a first request would).</summary>
    public Task PreloadAsync() =>
        Task.WhenAll(_slots.Values.Select(slot => RefreshOnceAsync(slot, firstLoad: true)));

    public LoadedModelInfo GetLoadedModel(string model) => Slot(model).Describe();

    public IEnumerable<LoadedModelInfo> GetLoadedModels() => _slots.Values.Select(s => s.Describe());

    /// <summary>
    /// Checks the champion alias now and swaps if it moved (used after a promotion). A check
    /// already running may have read the alias before the caller's write, so this one waits for
    /// it and then checks again.
    /// </summary>
    /// <param name="verified">A model the caller has just loaded and verified (a promotion): taken
    /// instead of downloading and loading it again if the alias names its version.</param>
    public async Task RefreshAsync(string model, CancellationToken cancellationToken, LoadedModel? verified = null)
    {
        var slot = Slot(model);
        Task? running;
        lock (slot.Gate)
        {
            running = slot.Refreshing is { IsCompleted: false } task ? task : null;
        }

        if (running is not null)
        {
            await running.WaitAsync(cancellationToken);
        }

        Volatile.Write(ref slot.Verified, verified);
        try
        {
            await RefreshOnceAsync(slot, firstLoad: false).WaitAsync(cancellationToken);
        }
        finally
        {
            // Not taken (the alias had moved on, or the check failed): nothing else will use it.
            Discard(Interlocked.Exchange(ref slot.Verified, null));
        }
    }

    /// <summary>Whether the model exists in the catalog.</summary>
    public bool Knows(string model) => _slots.ContainsKey(model);

    public void Dispose()
    {
        foreach (var slot in _slots.Values)
        {
            Interlocked.Exchange(ref slot.Current, null)?.Retire();
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
            _ = RefreshIfDue(slot);
        }

        while (true)
        {
            var engine = generation.TryRent();
            if (engine is not null)
            {
                return (generation, engine);
            }

            generation = slot.Current!; // retired between the read and the rent: take its successor
        }
    }

    private ModelSlot Slot(string model) =>
        _slots.TryGetValue(model, out var slot) ? slot : throw new KeyNotFoundException($"Unknown model '{model}'.");

    /// <summary>Starts the champion check if it is due and no other caller started it; null otherwise.</summary>
    private Task? RefreshIfDue(ModelSlot slot)
    {
        var now = Environment.TickCount64;
        var due = Volatile.Read(ref slot.NextCheckTicks);
        if (now < due || Interlocked.CompareExchange(ref slot.NextCheckTicks, now + _refreshTicks, due) != due)
        {
            return null;
        }

        return RefreshOnceAsync(slot, firstLoad: false);
    }

    /// <summary>Single flight: callers that arrive while a check runs share it.</summary>
    private Task RefreshOnceAsync(ModelSlot slot, bool firstLoad)
    {
        lock (slot.Gate)
        {
            if (slot.Refreshing is { IsCompleted: false } running)
            {
                return running;
            }

            if (firstLoad && slot.Current is null && slot.RecentlyFailed(_options.RetryAfterSeconds))
            {
                // Do not hammer storage that just failed; callers get 503 with Retry-After.
                return Task.CompletedTask;
            }

            var refresh = Task.Run(() => RefreshCoreAsync(slot));
            slot.Refreshing = refresh;

            // A finished check is dropped: kept, its task would hold the generation it retired.
            _ = refresh.ContinueWith(
                static (done, state) => ((ModelSlot)state!).Forget(done),
                slot,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return refresh;
        }
    }

    private async Task RefreshCoreAsync(ModelSlot slot)
    {
        var name = slot.Definition.Name;
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(_options.LoadTimeoutSeconds));
        ChampionCheck check;
        try
        {
            // Null until a version was loaded or refused: the first check then reads the alias in full.
            check = await _registry.CheckChampionAsync(name, slot.AliasETag, budget.Token);
        }
        catch (Exception ex) when (StorageFailure.Is(ex))
        {
            slot.CheckFailed(StorageFailure.Reason(ex));
            LogCheckFailed(name, ex.Message);
            return;
        }

        Volatile.Write(ref slot.NextCheckTicks, Environment.TickCount64 + _refreshTicks);
        switch (check.Result)
        {
            case ChampionCheckResult.Unchanged:
                slot.CheckSucceeded();
                return;
            case ChampionCheckResult.None:
                slot.CheckSucceeded();
                slot.NoChampion = true;
                return;
            case ChampionCheckResult.Unreadable:
                // Not an outage: retried at the next interval, when an operator may have re-promoted.
                slot.CheckFailed("the champion alias is damaged");
                return;
        }

        slot.NoChampion = false;
        var alias = check.Alias!;
        if (slot.Current?.Version == alias.Version)
        {
            // Re-pointed at what is already loaded (e.g. a rollback from a version that failed).
            slot.Settled(check.ETag, failedVersion: null, failureReason: null);
            return;
        }

        try
        {
            var offered = Interlocked.Exchange(ref slot.Verified, null);
            LoadedModel loaded;
            if (offered?.Manifest.Version == alias.Version)
            {
                loaded = offered;
            }
            else
            {
                Discard(offered);
                loaded = await _loader.LoadAsync(slot.Definition, alias.Version, budget.Token, Counters.ModelDownloaded);
            }
            var generation = CreateGeneration(slot.Definition, loaded);
            var previous = Interlocked.Exchange(ref slot.Current, generation);
            previous?.Retire();
            slot.Settled(check.ETag, failedVersion: null, failureReason: null);
            LogSwapped(name, previous?.Version ?? "none", generation.Version);
        }
        catch (ModelRefusedException ex)
        {
            // The bytes are wrong, not the network: remember the alias so this version is not
            // downloaded again until the champion moves.
            slot.Settled(check.ETag, alias.Version, ex.Reason);
            LogLoadRefused(name, alias.Version, ex.Reason, slot.Current?.Version ?? "none");
        }
        catch (Exception ex) when (StorageFailure.Is(ex))
        {
            slot.CheckFailed(StorageFailure.Reason(ex));
            LogCheckFailed(name, ex.Message);
        }
        catch (Exception ex)
        {
            // Anything this code did not foresee: keep serving what is loaded, back off like for a
            // failed check, and never fail callers with an exception.
            slot.CheckFailed("loading the champion failed unexpectedly");
            LogLoadFailed(name, alias.Version, ex);
        }
    }

    private static void Discard(LoadedModel? unused) => (unused?.Transformer as IDisposable)?.Dispose();

    private ModelGeneration CreateGeneration(IModelDefinition definition, LoadedModel loaded)
    {
        var ml = loaded.Context;
        var generation = new ModelGeneration(loaded.Manifest, loaded.Transformer, t => definition.CreateEngine(ml, t), _options.MaxEnginesPerModel, Counters, DateTimeOffset.UtcNow)
        {
            EngineCreated = (engine, owner) => _createdBy.AddOrUpdate(engine, owner),
        };

        // Warm one engine so the first request after a swap does not pay for building it.
        var engine = generation.TryRent()!;
        generation.Return(engine);
        return generation;
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Model {Model}: now serving version {Version} (was {Previous})")]
    private partial void LogSwapped(string model, string previous, string version);

    [LoggerMessage(EventId = 501, Level = LogLevel.Error, Message = "Model {Model}: refused to load champion version {Version}: {Reason}; still serving {Current}")]
    private partial void LogLoadRefused(string model, string version, string reason, string current);

    [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "Model {Model}: checking the champion failed: {Reason}; serving what is loaded")]
    private partial void LogCheckFailed(string model, string reason);

    [LoggerMessage(EventId = 503, Level = LogLevel.Error, Message = "Model {Model}: loading version {Version} failed unexpectedly; serving what is loaded")]
    private partial void LogLoadFailed(string model, string version, Exception exception);

    /// <summary>The mutable state of one model's pool.</summary>
    private sealed class ModelSlot(IModelDefinition definition)
    {
        public readonly object Gate = new();
        public ModelGeneration? Current;
        public long NextCheckTicks;

        // A verified model handed over by a promotion on this instance, taken by the next refresh.
        public LoadedModel? Verified;

        public IModelDefinition Definition { get; } = definition;
        public Task? Refreshing { get; set; }

        public void Forget(Task refresh)
        {
            lock (Gate)
            {
                if (ReferenceEquals(Refreshing, refresh))
                {
                    Refreshing = null;
                }
            }
        }
        public Azure.ETag? AliasETag { get; set; }
        public string? FailedVersion { get; set; }
        public string? FailureReason { get; set; }
        public bool NoChampion { get; set; }
        public DateTimeOffset? LastCheckUtc { get; private set; }
        public string? LastCheckError { get; private set; }
        private long _lastFailureTicks;

        /// <summary>The alias was read and acted on: loaded, already loaded, or refused for a reason.</summary>
        public void Settled(Azure.ETag? aliasETag, string? failedVersion, string? failureReason)
        {
            AliasETag = aliasETag;
            FailedVersion = failedVersion;
            FailureReason = failureReason;
            CheckSucceeded();
        }

        public void CheckSucceeded()
        {
            LastCheckUtc = DateTimeOffset.UtcNow;
            LastCheckError = null;
        }

        public void CheckFailed(string reason)
        {
            LastCheckUtc = DateTimeOffset.UtcNow;
            LastCheckError = reason;
            Volatile.Write(ref _lastFailureTicks, Environment.TickCount64);
        }

        public bool RecentlyFailed(int seconds) =>
            LastCheckError is not null && Environment.TickCount64 - Volatile.Read(ref _lastFailureTicks) < seconds * 1000L;

        // Stable wording for anonymous callers: the details are in the log.
        public string UnavailableReason() =>
            NoChampion ? "no champion is set; train one or promote a version"
            : FailedVersion is not null ? $"champion version {FailedVersion} cannot be loaded"
            : LastCheckError ?? "it is not loaded yet";

        public LoadedModelInfo Describe()
        {
            var current = Volatile.Read(ref Current);
            return new LoadedModelInfo
            {
                Model = Definition.Name,
                Version = current?.Version,
                LoadedUtc = current?.LoadedUtc,
                Manifest = current?.Manifest,
                FailedVersion = FailedVersion,
                FailureReason = FailureReason,
                LastCheckUtc = LastCheckUtc,
                LastCheckError = LastCheckError,
                NoChampion = NoChampion,
            };
        }
    }
}

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
