using System.Diagnostics;
using Microsoft.Extensions.Logging;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;
using ServerlessMl.Storage;
using ServerlessMl.Telemetry;
using static ServerlessMl.Telemetry.ServerlessMlMetrics;
using Tags = ServerlessMl.Telemetry.ServerlessMlTelemetry.Tags;

namespace ServerlessMl.Serving;

/// <summary>
/// Keeps each model's slot on its champion: re-checks the alias when due (one conditional request),
/// loads and verifies a new champion through <see cref="ModelLoader"/>, and swaps generations
/// atomically. One check per model at a time; callers that arrive meanwhile share it. Whatever
/// storage or the bytes do, a check ends by recording what it found on the slot, never by throwing.
/// </summary>
internal sealed partial class ChampionRefresher(
    ModelRegistry registry,
    ModelLoader loader,
    ServingOptions options,
    PoolCounters counters,
    ServerlessMlMetrics metrics,
    Func<IModelDefinition, LoadedModel, int, ModelGeneration> createGeneration,
    ILogger logger)
{
    private readonly long _refreshTicks = options.ModelRefreshSeconds * 1000L;

    /// <summary>Starts the champion check if it is due and no other caller started it; null otherwise.</summary>
    public Task? RefreshIfDue(ModelSlot slot) =>
        slot.ClaimDueCheck(_refreshTicks) ? RefreshOnceAsync(slot, firstLoad: false) : null;

    /// <summary>Single flight: callers that arrive while a check runs share it.</summary>
    public Task RefreshOnceAsync(ModelSlot slot, bool firstLoad) =>
        slot.StartCheck(RefreshCoreAsync, firstLoad, options.RetryAfterSeconds);

    /// <summary>
    /// Checks now, after any check already running (which may have read the alias before the
    /// caller's write), taking <paramref name="verified"/> instead of downloading it again if the
    /// alias names its version.
    /// </summary>
    public async Task RefreshNowAsync(ModelSlot slot, LoadedModel? verified, CancellationToken cancellationToken)
    {
        if (slot.Running() is { } running)
        {
            await running.WaitAsync(cancellationToken);
        }

        slot.OfferVerified(verified);
        try
        {
            await RefreshOnceAsync(slot, firstLoad: false).WaitAsync(cancellationToken);
        }
        finally
        {
            // Not taken (the alias had moved on, or the check failed): nothing else will use it.
            ModelSlot.Discard(slot.TakeVerified());
        }
    }

    private async Task RefreshCoreAsync(ModelSlot slot)
    {
        var name = slot.Definition.Name;
        using var span = ServerlessMlTelemetry.Start("refresh champion", name);
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(options.LoadTimeoutSeconds));
        ChampionCheck check;
        try
        {
            // Null until a version was loaded or refused: the first check then reads the alias in full.
            check = await registry.CheckChampionAsync(name, slot.AliasTag, budget.Token);
        }
        catch (Exception ex) when (StorageFailure.Is(ex))
        {
            slot.CheckFailed(StorageFailure.Reason(ex));
            LogCheckFailed(name, ex.Message);
            Refreshed(span, name, "failed");
            metrics.StorageFailures.Add(1, Tag(Tags.Model, name), Tag(Tags.Step, "champion check"), Tag(Tags.Cause, StorageFailure.Reason(ex)));
            return;
        }

        slot.CheckDueIn(_refreshTicks);
        Refreshed(span, name, check.Result.ToString().ToLowerInvariant());
        switch (check.Result)
        {
            case ChampionCheckResult.Unchanged:
                slot.CheckSucceeded();
                return;
            case ChampionCheckResult.None:
                slot.NoChampionFound();
                return;
            case ChampionCheckResult.Unreadable:
                // Not an outage: retried at the next interval, when an operator may have re-promoted.
                slot.CheckFailed("the champion alias is damaged");
                return;
        }

        slot.ChampionFound();
        var alias = check.Alias!;
        if (slot.Current?.Version == alias.Version)
        {
            // Re-pointed at what is already loaded (e.g. a rollback from a version that failed).
            slot.Settled(check.Tag, failedVersion: null, failureReason: null);
            return;
        }

        await LoadAndSwapAsync(slot, alias.Version, check.Tag, budget.Token);
    }

    private async Task LoadAndSwapAsync(ModelSlot slot, string version, ChampionTag? tag, CancellationToken cancellationToken)
    {
        var name = slot.Definition.Name;
        using var span = ServerlessMlTelemetry.Start("load model", name);
        span?.SetTag(Tags.Version, version);
        try
        {
            var offered = slot.TakeVerified();
            LoadedModel loaded;
            if (offered?.Manifest.Version == version)
            {
                loaded = offered;
            }
            else
            {
                ModelSlot.Discard(offered);
                loaded = await loader.LoadAsync(slot.Definition, version, cancellationToken, counters.ModelDownloaded);
            }

            var generation = createGeneration(slot.Definition, loaded, slot.MaxEngines);
            var previous = slot.SwapIn(generation);
            slot.Settled(tag, failedVersion: null, failureReason: null);
            LogSwapped(name, previous?.Version ?? "none", generation.Version);
            Loaded(span, name, version, "loaded", null);
        }
        catch (ModelRefusedException ex)
        {
            // The bytes are wrong, not the network: remember the alias so this version is not
            // downloaded again until the champion moves.
            slot.Settled(tag, version, ex.Reason);
            LogLoadRefused(name, version, ex.Reason, slot.Current?.Version ?? "none");
            Loaded(span, name, version, "refused", ex.Reason);
        }
        catch (Exception ex) when (StorageFailure.Is(ex))
        {
            slot.CheckFailed(StorageFailure.Reason(ex));
            LogCheckFailed(name, ex.Message);
            Loaded(span, name, version, "failed", StorageFailure.Reason(ex));
            metrics.StorageFailures.Add(1, Tag(Tags.Model, name), Tag(Tags.Step, "model load"), Tag(Tags.Cause, StorageFailure.Reason(ex)));
        }
        catch (Exception ex)
        {
            // Anything this code did not foresee: keep serving what is loaded, back off like for a
            // failed check, and never fail callers with an exception.
            slot.CheckFailed("loading the champion failed unexpectedly");
            LogLoadFailed(name, version, ex);
            Loaded(span, name, version, "failed", ex.GetType().Name);
        }
    }

    private void Refreshed(Activity? span, string model, string outcome)
    {
        span?.SetTag(Tags.Outcome, outcome);
        metrics.Refreshes.Add(1, Tag(Tags.Model, model), Tag(Tags.Outcome, outcome));
    }

    private void Loaded(Activity? span, string model, string version, string outcome, string? cause)
    {
        span?.SetTag(Tags.Outcome, outcome);
        span?.SetTag(Tags.Cause, cause);
        if (outcome != "loaded")
        {
            span?.SetStatus(ActivityStatusCode.Error, cause);
        }

        metrics.Loads.Add(1, Tag(Tags.Model, model), Tag(Tags.Version, version), Tag(Tags.Outcome, outcome), Tag(Tags.Cause, cause));
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Model {Model}: now serving version {Version} (was {Previous})")]
    private partial void LogSwapped(string model, string previous, string version);

    [LoggerMessage(EventId = 501, Level = LogLevel.Error, Message = "Model {Model}: refused to load champion version {Version}: {Reason}; still serving {Current}")]
    private partial void LogLoadRefused(string model, string version, string reason, string current);

    [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "Model {Model}: checking the champion failed: {Reason}; serving what is loaded")]
    private partial void LogCheckFailed(string model, string reason);

    [LoggerMessage(EventId = 503, Level = LogLevel.Error, Message = "Model {Model}: loading version {Version} failed unexpectedly; serving what is loaded")]
    private partial void LogLoadFailed(string model, string version, Exception exception);
}
