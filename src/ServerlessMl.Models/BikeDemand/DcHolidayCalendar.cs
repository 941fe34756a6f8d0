using ServerlessMl.Definitions;
namespace ServerlessMl.Models.BikeDemand;

/// <summary>
/// Public holidays of Washington D.C. as the UCI data marks them: the U.S. federal holidays
/// (observed on the nearest weekday when they fall on a weekend) plus D.C. Emancipation Day.
/// Used when a request does not say whether its day is a holiday.
/// </summary>
public static class DcHolidayCalendar
{
    public static bool IsHoliday(DateOnly day)
    {
        var year = day.Year;
        return day == Observed(new DateOnly(year, 1, 1))
            || day == Observed(new DateOnly(year + 1, 1, 1)) // New Year's Day observed on Dec 31
            || day == NthWeekday(year, 1, DayOfWeek.Monday, 3)   // Martin Luther King Jr. Day
            || day == NthWeekday(year, 2, DayOfWeek.Monday, 3)   // Washington's Birthday
            || day == Observed(new DateOnly(year, 4, 16))        // D.C. Emancipation Day
            || day == LastWeekday(year, 5, DayOfWeek.Monday)     // Memorial Day
            || day == Observed(new DateOnly(year, 7, 4))         // Independence Day
            || day == NthWeekday(year, 9, DayOfWeek.Monday, 1)   // Labor Day
            || day == NthWeekday(year, 10, DayOfWeek.Monday, 2)  // Columbus Day
            || day == Observed(new DateOnly(year, 11, 11))       // Veterans Day
            || day == NthWeekday(year, 11, DayOfWeek.Thursday, 4) // Thanksgiving
            || day == Observed(new DateOnly(year, 12, 25));      // Christmas Day
    }

    /// <summary>
    /// A working day on the calendar on which most commuters do not commute: the Friday after
    /// Thanksgiving and the days from Christmas Eve to New Year's Day. The calendar columns of the
    /// data call them working days; their demand looks like a weekend's.
    /// </summary>
    public static bool IsBreakDay(DateOnly day) =>
        day == NthWeekday(day.Year, 11, DayOfWeek.Thursday, 4).AddDays(1)
        || (day.Month == 12 && day.Day >= 24)
        || (day.Month == 1 && day.Day == 1);

    private static DateOnly Observed(DateOnly date) => date.DayOfWeek switch
    {
        DayOfWeek.Saturday => date.AddDays(-1),
        DayOfWeek.Sunday => date.AddDays(1),
        _ => date,
    };

    private static DateOnly NthWeekday(int year, int month, DayOfWeek weekday, int n)
    {
        var first = new DateOnly(year, month, 1);
        var offset = ((int)weekday - (int)first.DayOfWeek + 7) % 7;
        return first.AddDays(offset + (7 * (n - 1)));
    }

    private static DateOnly LastWeekday(int year, int month, DayOfWeek weekday)
    {
        var last = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
        var offset = ((int)last.DayOfWeek - (int)weekday + 7) % 7;
        return last.AddDays(-offset);
    }
}
