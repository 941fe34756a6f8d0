using ServerlessMl.Definitions;
using ServerlessMl.Registry;

namespace ServerlessMl.Serving;

/// <summary>
/// One model's serving state on this instance: the generation it predicts with, the champion check
/// in flight, and what the last check found (for health and for callers refused a model).
/// </summary>
internal sealed class ModelSlot(IModelDefinition definition, int maxEngines)
{
    public readonly object Gate = new();
    public ModelGeneration? Current;
    public long NextCheckTicks;

    // A verified model handed over by a promotion on this instance, taken by the next refresh.
    public LoadedModel? Verified;

    public IModelDefinition Definition { get; } = definition;

    /// <summary>Idle engines kept per generation of this model.</summary>
    public int MaxEngines { get; } = maxEngines;
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

    public ChampionTag? AliasTag { get; set; }
    public string? FailedVersion { get; set; }
    public string? FailureReason { get; set; }
    public bool NoChampion { get; set; }
    public DateTimeOffset? LastCheckUtc { get; private set; }
    public string? LastCheckError { get; private set; }
    private long _lastFailureTicks;

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
