using System.Globalization;
using System.Text;
using ServerlessMl.Monitoring;

namespace ServerlessMl.Cli.Report;

/// <summary>The report's live section: how the model's versions did on served requests, from the live job's days.</summary>
internal static class LiveSection
{
    public static void Write(StringBuilder html, IReadOnlyList<LiveDay> days, string folder)
    {
        html.Append("<h2>Live quality</h2>");
        if (days.Count == 0)
        {
            html.Append("<p>No live days are recorded for this model: the live quality job has not judged any served predictions yet.</p>");
            return;
        }

        var newest = days[^1];
        html.Append(CultureInfo.InvariantCulture, $"""
            <p>{days.Count:N0} day(s) recorded, {days[0].Day:yyyy-MM-dd} to {newest.Day:yyyy-MM-dd}. On the newest, {newest.Logged:N0} item(s) were logged;
            feedback: {newest.Feedback.Received:N0} received, {newest.Feedback.Matched:N0} matched, {newest.Feedback.UnknownIds:N0} for request ids never logged.</p>
            """);
        ReportPage.Image(html, LivePlots.MetricByDay(folder, days), "primary metric by day and version");
        if (days.Any(d => d.Drift is { Features.Count: > 0 }))
        {
            var drifted = days.Count(d => d.Drift?.Features.Any(f => f.Drifted) == true);
            html.Append(CultureInfo.InvariantCulture, $"<p>Input drift against the champion's training data on {drifted:N0} of the {days.Count:N0} day(s).</p>");
            ReportPage.Image(html, LivePlots.DriftByFeature(folder, days), "drift per feature on its worst day");
        }

        if (days.Any(d => d.Comparison is { ChampionValue: not null, ChallengerValue: not null }))
        {
            ReportPage.Image(html, LivePlots.ChampionAgainstChallenger(folder, days), "champion against challenger");
        }
        else
        {
            html.Append("<p>No challenger shadowed the champion on these days.</p>");
        }
    }
}
