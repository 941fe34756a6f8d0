using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessMl.Definitions;

namespace ServerlessMl.Monitoring;

/// <summary>
/// Makes each model's prediction log, with the model's own types and settings (sample rate, input
/// mode, challenger), and owns the challengers' engines.
/// </summary>
internal sealed class PredictionLogs(
    ModelCatalog catalog,
    IOptions<MonitoringOptions> options,
    IOptions<ModelSettingsMap> models,
    PredictionLogQueue queue,
    ChallengerSource challengers,
    TimeProvider time,
    ILoggerFactory loggers,
    PredictionLogFormats formats) : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public ModelLog<TRequest, TFeatures, TPrediction, TItem> For<TRequest, TFeatures, TPrediction, TItem>(IServedModel<TRequest, TFeatures, TPrediction, TItem> model)
        where TRequest : class
        where TFeatures : class, new()
        where TPrediction : class, new()
    {
        ArgumentNullException.ThrowIfNull(model);
        var settings = options.Value.For(models.Value, model.Name);
        ShadowChallenger<TFeatures, TPrediction>? challenger = null;
        if (settings.Challenger is { } setting && settings.SampleRate > 0)
        {
            challenger = new ShadowChallenger<TFeatures, TPrediction>(
                catalog.Get(model.Name), setting, challengers, time, loggers.CreateLogger("ServerlessMl.Monitoring.ShadowChallenger"));
            lock (_owned)
            {
                _owned.Add(challenger);
            }
        }

        var lines = new PredictionLines<TRequest, TFeatures, TPrediction, TItem>(
            model, new LoggedInputRecorder<TRequest>(settings.Input, formats.Request), formats.Answer, challenger);
        return new ModelLog<TRequest, TFeatures, TPrediction, TItem>(lines, settings.SampleRate, queue, time);
    }

    public void Dispose()
    {
        lock (_owned)
        {
            _owned.ForEach(o => o.Dispose());
            _owned.Clear();
        }
    }
}

/// <summary>The API's JSON: requests as callers send them, answers as callers get them.</summary>
internal sealed record PredictionLogFormats(JsonSerializerOptions Request, JsonSerializerOptions Answer);
