using System.Diagnostics;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;
using ServerlessMl.Telemetry;
using Tags = ServerlessMl.Telemetry.ServerlessMlTelemetry.Tags;

namespace ServerlessMl.Training;

/// <summary>What one run knows as it goes: which step it is at (a span each), and the champion it started from.</summary>
internal sealed class RetrainRun(IModelDefinition definition, string trigger, Activity? span) : IDisposable
{
    private Activity? _stepSpan;

    public IModelDefinition Definition { get; } = definition;
    public string Model => Definition.Name;
    public string Trigger { get; } = trigger;
    public string Step { get; private set; } = "start";

    public long TrainingRows { get; set; }

    /// <summary>Whether the run is in the steps where ML.NET fits or scores the data.</summary>
    public bool InTrainer { get; set; }

    /// <summary>The champion as the run read it; none until then.</summary>
    public ChampionRead Champion { get; set; } = new(null, null, Damaged: false);

    public void Enter(string step)
    {
        _stepSpan?.Dispose();
        Step = step;
        _stepSpan = ServerlessMlTelemetry.Start(step, Model);
    }

    /// <summary>Ends the last step's span and tags the run's own with the outcome.</summary>
    public void Finished(RetrainOutcome outcome)
    {
        if (_stepSpan is { } step && outcome.Status == RetrainStatus.Failed)
        {
            step.SetStatus(ActivityStatusCode.Error, outcome.Failure?.ToString());
        }

        _stepSpan?.Dispose();
        _stepSpan = null;
        if (span is not null)
        {
            span.SetTag(Tags.Outcome, outcome.Status.ToString().ToLowerInvariant());
            span.SetTag(Tags.Version, outcome.Version);
            span.SetTag(Tags.Cause, outcome.Failure?.ToString().ToLowerInvariant());
            if (outcome.Status == RetrainStatus.Failed)
            {
                span.SetStatus(ActivityStatusCode.Error, string.Join("; ", outcome.Reasons));
            }
        }
    }

    public void Dispose() => _stepSpan?.Dispose();

    public RetrainOutcome Skipped(string reason) => new()
    {
        Model = Model,
        Status = RetrainStatus.Skipped,
        Champion = Champion.Alias?.Version,
        Reasons = [reason],
    };

    public RetrainOutcome Failed(RetrainFailure failure, string reason) => new()
    {
        Model = Model,
        Status = RetrainStatus.Failed,
        Failure = failure,
        Champion = Champion.Alias?.Version,

        // After a conflict the champion did change, by another hand.
        Reasons = [reason, failure == RetrainFailure.Conflict ? "this run promoted nothing" : "nothing was promoted; the champion is unchanged"],
    };
}
