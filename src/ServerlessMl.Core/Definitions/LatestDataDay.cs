using System.Globalization;

namespace ServerlessMl.Definitions;

/// <summary>
/// The newest day a drop, or a row in it, may be dated: data cannot come from the future. A day
/// in a drop is a local date wherever the data was recorded, and no place's date is more than one
/// day ahead of UTC's (UTC+14 is the furthest), so the tolerance is one day past the run's UTC date.
/// </summary>
internal static class LatestDataDay
{
    public static DateOnly At(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(1);
    }

    /// <summary>The problem to report for <paramref name="day"/>, or null when it is not after <paramref name="latest"/>.</summary>
    public static string? Problem(string what, DateOnly day, DateOnly latest) =>
        day <= latest
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"{what} {day:yyyy-MM-dd} is in the future: the newest day data may hold now is {latest:yyyy-MM-dd} (today in UTC plus one day, for time zones ahead of UTC)");
}
