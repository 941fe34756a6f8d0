using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using ServerlessMl.Training;

namespace ServerlessMl.Functions.Triggers;

/// <summary>Retrains every model on the schedule in the <c>RetrainSchedule</c> app setting (NCRONTAB, UTC).</summary>
public sealed partial class RetrainModel(RetrainJob job, ILogger<RetrainModel> logger)
{
    [Function(nameof(RetrainModel))]
    public async Task Run([TimerTrigger("%RetrainSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (timer.IsPastDue)
        {
            // A missed run (the app was down) fires once on start; the job skips if nothing is new.
            LogPastDue(timer.ScheduleStatus?.Last);
        }

        var failed = new List<string>();
        foreach (var model in job.Models)
        {
            var outcome = await job.RunAsync(model, timer.IsPastDue ? "timer, past due" : "timer", cancellationToken);
            if (outcome.Status == RetrainStatus.Failed)
            {
                failed.Add($"{outcome.Model}: {string.Join(" ", outcome.Reasons)}");
            }
        }

        if (failed.Count > 0)
        {
            // Fail the invocation so monitoring shows it; the champion is untouched either way.
            throw new InvalidOperationException("Retrain failed for " + string.Join("; ", failed));
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Retrain timer is past due (last run {LastRun}); running now")]
    private partial void LogPastDue(DateTime? lastRun);
}
