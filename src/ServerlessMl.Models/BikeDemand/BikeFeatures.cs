using ServerlessMl.Definitions;
using Microsoft.ML.Data;

namespace ServerlessMl.Models.BikeDemand;

/// <summary>The model's input: what <see cref="BikeFeaturizer"/> derives from a row or a request.</summary>
public sealed class BikeFeatures
{
    public float Hour { get; set; }
    public float DayOfWeek { get; set; }
    public float WorkingDay { get; set; }
    public float Holiday { get; set; }
    public float Month { get; set; }
    /// <summary>
    /// Years since 2011: follows the growth of the service. A coarse step on purpose: a day count
    /// let the trees over-fit single weeks and lost 0.02 R² on later days (README, "The model").
    /// </summary>
    public float Year { get; set; }
    public float Weather { get; set; }
    public float TemperatureC { get; set; }
    public float FeelsLikeC { get; set; }
    public float Humidity { get; set; }
    public float WindSpeedKmh { get; set; }
    /// <summary>Hour of the day for working days and days off apart (0..47); the recipe shipped before break days.</summary>
    public float HourOfDayType { get; set; }
    /// <summary>
    /// 1 on a working day on the calendar on which few commute (<see cref="DcHolidayCalendar.IsBreakDay"/>).
    /// </summary>
    public float BreakDay { get; set; }
    /// <summary>1 on a holiday or a break day: a day off the weekday alone does not tell.</summary>
    public float OffDay { get; set; }
    /// <summary>A working day that is not a break day: when people commute.</summary>
    public float CommuteDay { get; set; }
    /// <summary>Hour of the day for commute days and all other days apart (0..47): commute peaks differ.</summary>
    public float HourOfCommuteType { get; set; }

    /// <summary>log(1 + rentals) when training; 0 for requests.</summary>
    public float Label { get; set; }

    /// <summary>
    /// The input columns the shipped pipeline concatenates into its feature vector. A break day
    /// is shown to the trees as a day off, so the first Christmas week they meet looks like the
    /// holidays they have seen rather than an ordinary working week.
    /// </summary>
    public static readonly string[] InputColumns =
    [
        nameof(Hour), nameof(DayOfWeek), nameof(CommuteDay), nameof(OffDay), nameof(Month),
        nameof(Year), nameof(Weather), nameof(TemperatureC), nameof(FeelsLikeC), nameof(Humidity),
        nameof(WindSpeedKmh), nameof(HourOfCommuteType),
    ];

    /// <summary>The columns of the recipe shipped before break days: the calendar's own working day and holiday.</summary>
    public static readonly string[] CalendarColumns =
    [
        nameof(Hour), nameof(DayOfWeek), nameof(WorkingDay), nameof(Holiday), nameof(Month),
        nameof(Year), nameof(Weather), nameof(TemperatureC), nameof(FeelsLikeC), nameof(Humidity),
        nameof(WindSpeedKmh), nameof(HourOfDayType),
    ];
}
