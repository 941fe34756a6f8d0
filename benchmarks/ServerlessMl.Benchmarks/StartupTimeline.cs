using System.Diagnostics;
using System.Globalization;
using ServerlessMl.Telemetry;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// With <c>SERVERLESSML_STARTUP_TIMELINE=1</c>, <see cref="BenchServe"/> writes one stderr line per
/// start-up phase, <c>startup-timeline MS PHASE</c>, MS counted from the process's start: serve's
/// steps (command parsed, host built, listening) and the first of each model-load span (alias check,
/// download, hash check, Model.Load, first prediction). benchmarks/cold.sh reads these lines for its
/// phase breakdown. Off, it costs one environment lookup.
/// </summary>
internal static class StartupTimeline
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("SERVERLESSML_STARTUP_TIMELINE") == "1";
    private static readonly DateTime ProcessStart = Enabled ? Process.GetCurrentProcess().StartTime.ToUniversalTime() : default;
    private static readonly HashSet<string> Seen = [];
    private static ActivityListener? _listener;

    public static void Mark(string phase)
    {
        if (!Enabled)
        {
            return;
        }

        var ms = (DateTime.UtcNow - ProcessStart).TotalMilliseconds;
        lock (Seen)
        {
            if (Seen.Add(phase))
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"startup-timeline {ms:F0} {phase}"));
            }
        }
    }

    /// <summary>Marks the start and end of the first span of each kind and model from the app's own activity source.</summary>
    public static void WatchModelLoads()
    {
        if (!Enabled || _listener is not null)
        {
            return;
        }

        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ServerlessMlTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = activity => Mark($"{activity.DisplayName} started ({activity.GetTagItem(ServerlessMlTelemetry.Tags.Model)})"),
            ActivityStopped = activity => Mark($"{activity.DisplayName} ended ({activity.GetTagItem(ServerlessMlTelemetry.Tags.Model)})"),
        };
        ActivitySource.AddActivityListener(_listener);
    }
}
