using ServerlessMl.Monitoring;

namespace ServerlessMl.Functions.Tests.Monitoring;

/// <summary>Live days as the live job would record them, made to order: drifted or not, the champion under the floor or not.</summary>
internal static class LiveDays
{
    public static LiveDay Of(DateOnly day, bool drift = false, bool belowFloor = false, bool challenger = false) => new(
        day,
        new DateTimeOffset(day.AddDays(1), new TimeOnly(3, 15), TimeSpan.Zero),
        Logged: 200,
        Versions:
        [
            new("0001", "champion", 200, 150, new Dictionary<string, double> { ["rmse"] = belowFloor ? 95 : 41.5, ["mae"] = 30 }, "rmse", 80, belowFloor),
            .. challenger ? new LiveVersion[] { new("0002", "challenger", 200, 150, new Dictionary<string, double> { ["rmse"] = 38.25 }, "rmse", 80, false) } : [],
        ],
        challenger ? new LiveComparison("0001", "0002", 150, "rmse", belowFloor ? 95 : 41.5, 38.25) : null,
        new LiveDrift("0001", 200, [new FeatureDrift("temperatureC", "psi", drift ? 0.4 : 0.05, 0.25), new FeatureDrift("humidity", "psi", 0.1, 0.25)]),
        new FeedbackCounts(0, 0, 0, 0));
}
