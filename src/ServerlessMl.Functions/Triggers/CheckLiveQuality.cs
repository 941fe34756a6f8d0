using Microsoft.Azure.Functions.Worker;
using ServerlessMl.Monitoring;

namespace ServerlessMl.Functions.Triggers;

/// <summary>
/// Judges the served predictions on the schedule in the <c>LiveSchedule</c> app setting (NCRONTAB,
/// UTC): every model's live metrics and drift for the lookback window, from the prediction log and
/// the truth that has arrived. Fails the invocation, after trying every model, when one failed.
/// </summary>
public sealed class CheckLiveQuality(LiveQualityJob job)
{
    [Function(nameof(CheckLiveQuality))]
    public Task Run([TimerTrigger("%LiveSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return job.RunAllAsync(timer.IsPastDue ? "timer, past due" : "timer", cancellationToken);
    }
}
