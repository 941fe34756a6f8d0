using ServerlessMl.Definitions;
using ServerlessMl.Registry;

namespace ServerlessMl.Serving;

/// <summary>
/// One model's serving state on this instance: the generation it predicts with, the champion check
/// in flight, and what the last check found (for health and for callers refused a model). Its
/// state changes only through the transitions named here; the generation is read without a lock.
/// </summary>
internal sealed class ModelSlot(IModelDefinition definition, int maxEngines)
{
    private readonly object _gate = new();
    private ModelGeneration? _current;
    private long _nextCheckTicks;
    private Task? _checking;

    // A verified model handed over by a promotion on this instance, taken by the next check.
    private LoadedModel? _verified;
    private long _lastFailureTicks;

    public IModelDefinition Definition { get; } = definition;

    /// <summary>Idle engines kept per generation of this model.</summary>
    public int MaxEngines { get; } = maxEngines;

    /// <summary>The generation to predict with, or null before the first load: one volatile read, no lock.</summary>
    public ModelGeneration? Current => Volatile.Read(ref _current);

    /// <summary>The alias as last read (null until a version was loaded or refused: the next check reads it in full).</summary>
    public ChampionTag? AliasTag { get; private set; }
    public string? FailedVersion { get; private set; }
    public string? FailureReason { get; private set; }
    public bool NoChampion { get; private set; }
    public DateTimeOffset? LastCheckUtc { get; private set; }
    public string? LastCheckError { get; private set; }

    /// <summary>Makes <paramref name="generation"/> the one callers get and retires the one before it; returns that one.</summary>
    public ModelGeneration? SwapIn(ModelGeneration generation)
    {
        var previous = Interlocked.Exchange(ref _current, generation);
        previous?.Retire();
        return previous;
    }

    /// <summary>Retires the current generation for good (the pool is disposed).</summary>
    public void RetireAll()
    {
        Interlocked.Exchange(ref _current, null)?.Retire();
        Discard(TakeVerified());
    }

    /// <summary>Hands over a model a promotion on this instance has just verified, replacing any not taken.</summary>
    public void OfferVerified(LoadedModel? verified) => Discard(Interlocked.Exchange(ref _verified, verified));

    /// <summary>Takes the handed-over model, if any: whoever takes it owns it.</summary>
    public LoadedModel? TakeVerified() => Interlocked.Exchange(ref _verified, null);

    /// <summary>True for exactly one caller once the check is due; the next one is then due an interval later.</summary>
    public bool ClaimDueCheck(long intervalTicks)
    {
        var now = Environment.TickCount64;
        var due = Volatile.Read(ref _nextCheckTicks);
        return now >= due && Interlocked.CompareExchange(ref _nextCheckTicks, now + intervalTicks, due) == due;
    }

    /// <summary>The alias was read: the next check is due an interval from now.</summary>
    public void CheckDueIn(long intervalTicks) => Volatile.Write(ref _nextCheckTicks, Environment.TickCount64 + intervalTicks);

    /// <summary>The check in flight, if any.</summary>
    public Task? Running()
    {
        lock (_gate)
        {
            return _checking is { IsCompleted: false } running ? running : null;
        }
    }

    /// <summary>
    /// Single flight: the check in flight if there is one; otherwise a new one started with
    /// <paramref name="check"/>, unless this is a first load soon after a failed one (storage that
    /// just failed is not hammered; callers get 503 with Retry-After).
    /// </summary>
    public Task StartCheck(Func<ModelSlot, Task> check, bool firstLoad, int retryAfterSeconds)
    {
        lock (_gate)
        {
            if (_checking is { IsCompleted: false } running)
            {
                return running;
            }

            if (firstLoad && Current is null && RecentlyFailed(retryAfterSeconds))
            {
                return Task.CompletedTask;
            }

            var started = Task.Run(() => check(this));
            _checking = started;

            // A finished check is dropped: kept, its task would hold the generation it retired.
            _ = started.ContinueWith(
                static (done, state) => ((ModelSlot)state!).Finished(done),
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return started;
        }
    }

    /// <summary>The alias names no champion.</summary>
    public void NoChampionFound()
    {
        NoChampion = true;
        CheckSucceeded();
    }

    /// <summary>The alias names a champion: what follows is loading it (or finding it loaded).</summary>
    public void ChampionFound() => NoChampion = false;

    /// <summary>The alias was read and acted on: loaded, already loaded, or refused for a reason.</summary>
    public void Settled(ChampionTag? aliasTag, string? failedVersion, string? failureReason)
    {
        AliasTag = aliasTag;
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

    // Stable wording for anonymous callers: the details are in the log.
    public string UnavailableReason() =>
        NoChampion ? "no champion is set; train one or promote a version"
        : FailedVersion is not null ? $"champion version {FailedVersion} cannot be loaded"
        : LastCheckError ?? "it is not loaded yet";

    public LoadedModelInfo Describe()
    {
        var current = Current;
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

    /// <summary>A model offered but never taken holds native memory until disposed.</summary>
    internal static void Discard(LoadedModel? unused) => (unused?.Transformer as IDisposable)?.Dispose();

    private bool RecentlyFailed(int seconds) =>
        LastCheckError is not null && Environment.TickCount64 - Volatile.Read(ref _lastFailureTicks) < seconds * 1000L;

    private void Finished(Task check)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_checking, check))
            {
                _checking = null;
            }
        }
    }
}
