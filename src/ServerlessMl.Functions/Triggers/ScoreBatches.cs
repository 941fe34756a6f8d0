using Microsoft.Azure.Functions.Worker;
using ServerlessMl.Scoring;

namespace ServerlessMl.Functions.Triggers;

/// <summary>
/// Precomputes on the schedule in the <c>ScoreSchedule</c> app setting (NCRONTAB, UTC): scores every
/// model's new scoring drops into the predictions table. Fails the invocation, after trying every
/// model, when one of them failed, so monitoring shows it.
/// </summary>
public sealed class ScoreBatches(ScoringJob job)
{
    [Function(nameof(ScoreBatches))]
    public Task Run([TimerTrigger("%ScoreSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return job.RunAllAsync(timer.IsPastDue ? "timer, past due" : "timer", cancellationToken);
    }
}
