using Microsoft.Extensions.Logging;
using Microsoft.ML;
using ServerlessMl.Definitions;

namespace ServerlessMl.Monitoring;

/// <summary>
/// One model's shadow challenger on the log writer's thread: the version the setting names, loaded
/// in the background, re-resolved when the champion changes and every few minutes, and one
/// prediction engine (the writer is single-threaded). A version that cannot be found or loaded is
/// logged once and tried again at the next check; nothing here reaches the champion or a caller.
/// </summary>
internal sealed partial class ShadowChallenger<TFeatures, TPrediction>(
    IModelDefinition definition, string setting, ChallengerSource source, TimeProvider time, ILogger logger) : IDisposable
    where TFeatures : class, new()
    where TPrediction : class, new()
{
    // Often enough that a newly rejected version is shadowed soon after the retrain that made it.
    private static readonly TimeSpan Recheck = TimeSpan.FromMinutes(5);

    private Task<Found>? _work;
    private string? _checkedFor;
    private DateTimeOffset _checkedAt;
    private string? _version;
    private PredictionEngine<TFeatures, TPrediction>? _engine;
    private string? _reported;

    /// <summary>The loaded challenger's version; null while none is loaded.</summary>
    public string? Version => _version;

    /// <summary>
    /// Takes in a finished background check, starts one when due, and says whether a challenger
    /// other than <paramref name="champion"/> is ready to answer.
    /// </summary>
    public bool Ready(string champion)
    {
        if (_work is { IsCompleted: true } done)
        {
            _work = null;
            Apply(done.Result);
        }

        var now = time.GetUtcNow();
        if (_work is null && (_checkedFor != champion || now - _checkedAt >= Recheck))
        {
            _checkedFor = champion;
            _checkedAt = now;
            var known = _version;
            _work = Task.Run(() => FindAsync(champion, known));
        }

        return _engine is not null && _version != champion;
    }

    /// <summary>The challenger's prediction; null when it cannot give one (then it is dropped until the next check).</summary>
    public (string Version, TPrediction Prediction)? Predict(TFeatures features)
    {
        if (_engine is null || _version is null)
        {
            return null;
        }

        try
        {
            return (_version, _engine.Predict(features));
        }
        catch (Exception ex)
        {
            Report(_version, ex.Message);
            Replace(null, null);
            return null;
        }
    }

    private async Task<Found> FindAsync(string champion, string? known)
    {
        string? version = null;
        try
        {
            version = await source.ResolveAsync(definition.Name, setting, CancellationToken.None);
            if (version is null || version == champion || version == known)
            {
                return new Found(version, null, null);
            }

            return new Found(version, await source.LoadAsync(definition, version, CancellationToken.None), null);
        }
        catch (Exception ex)
        {
            return new Found(version, null, ex.Message);
        }
    }

    private void Apply(Found found)
    {
        if (found.Failure is not null)
        {
            Report(found.Version ?? setting, found.Failure);
            return;
        }

        _reported = null;
        if (found.Version is null || found.Version == _checkedFor)
        {
            Replace(null, null);
        }
        else if (found.Loaded is { } loaded)
        {
            try
            {
                Replace(found.Version, (PredictionEngine<TFeatures, TPrediction>)definition.CreateEngine(loaded.Context, loaded.Transformer));
                LogChallengerLoaded(logger, definition.Name, found.Version);
            }
            catch (Exception ex)
            {
                Report(found.Version, ex.Message);
            }
        }
    }

    private void Replace(string? version, PredictionEngine<TFeatures, TPrediction>? engine)
    {
        _engine?.Dispose();
        _engine = engine;
        _version = version;
    }

    private void Report(string version, string reason)
    {
        var failure = version + reason;
        if (failure != _reported)
        {
            _reported = failure;
            LogChallengerFailed(logger, definition.Name, version, reason);
        }
    }

    public void Dispose()
    {
        Replace(null, null);
    }

    private sealed record Found(string? Version, Registry.LoadedModel? Loaded, string? Failure);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Information, Message = "Shadow challenger of {Model} is version {Version}")]
    private static partial void LogChallengerLoaded(ILogger logger, string model, string version);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Warning, Message = "Shadow challenger {Version} of {Model} cannot be used, tried again later: {Reason}")]
    private static partial void LogChallengerFailed(ILogger logger, string model, string version, string reason);
}
