using ServerlessMl.Definitions;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Testing;

namespace ServerlessMl.Models.Tests.BikeDemand;

public sealed class DcHolidayCalendarTests
{
    [Theory]
    [InlineData("2012-11-22")] // Thanksgiving
    [InlineData("2012-11-12")] // Veterans Day, observed on Monday
    [InlineData("2012-12-25")]
    [InlineData("2011-12-26")] // Christmas observed
    [InlineData("2011-04-15")] // D.C. Emancipation Day observed on Friday
    public void Knows_the_holidays(string day) =>
        Assert.True(DcHolidayCalendar.IsHoliday(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2012-11-23")]
    [InlineData("2012-07-05")]
    public void Ordinary_days_are_not_holidays(string day) =>
        Assert.False(DcHolidayCalendar.IsHoliday(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2011-11-25")] // the Friday after Thanksgiving
    [InlineData("2012-11-23")]
    [InlineData("2011-12-27")] // between Christmas and New Year
    [InlineData("2012-12-24")]
    [InlineData("2012-12-31")]
    [InlineData("2013-01-01")]
    public void Knows_the_break_days(string day) =>
        Assert.True(DcHolidayCalendar.IsBreakDay(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2011-11-24")] // Thanksgiving itself is a holiday, not a break day
    [InlineData("2011-11-18")]
    [InlineData("2011-12-23")]
    [InlineData("2012-01-02")] // New Year's Day observed: a holiday; the break ends on January 1
    [InlineData("2012-01-03")]
    public void The_days_around_a_break_are_not_break_days(string day) =>
        Assert.False(DcHolidayCalendar.IsBreakDay(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)));

    [SkippableFact]
    public void Agrees_with_the_holiday_column_of_the_real_uci_data()
    {
        Skip.IfNot(File.Exists(RepoPaths.BikeHourTrain), $"real UCI data not found at {RepoPaths.BikeHourTrain} (it lives in ../shared, outside the repository)");

        var disagreements = File.ReadLines(RepoPaths.BikeHourTrain).Skip(1)
            .Select(line => line.Split(','))
            .Select(f => (Day: DateOnly.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture), Holiday: f[6] == "1"))
            .Distinct()
            .Where(d => DcHolidayCalendar.IsHoliday(d.Day) != d.Holiday)
            .Select(d => $"{d.Day:yyyy-MM-dd} (UCI says {d.Holiday})")
            .ToList();

        Assert.Empty(disagreements);
    }
}
