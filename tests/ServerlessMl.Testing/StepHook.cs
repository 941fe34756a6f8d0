using System.Diagnostics;
using ServerlessMl.Telemetry;

namespace ServerlessMl.Testing;

/// <summary>
/// Runs an action the moment a span of a given name starts (e.g. a retrain step), for runs under
/// the root span this hook opens, so a test can stage a race at an exact point of a run without
/// touching other tests' runs.
/// </summary>
public sealed class StepHook : IDisposable
{
    private readonly Activity _root;
    private readonly ActivityListener _listener;

    public StepHook(string spanName, Action action)
    {
        _root = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();
        var trace = _root.TraceId;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ServerlessMlTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Parent.TraceId == trace ? ActivitySamplingResult.AllData : ActivitySamplingResult.None,
            ActivityStarted = activity =>
            {
                if (activity.OperationName == spanName && activity.TraceId == trace)
                {
                    action();
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _root.Dispose();
    }
}
