using ServerlessMl.Definitions;
namespace ServerlessMl.Models.BikeDemand;

/// <summary>
/// The one featurizer of the bike-demand model. Training rows, forecast rows and requests all arrive
/// here as a <see cref="BikeObservation"/>; calendar features are derived from the timestamp rather than
/// read from the CSV's own calendar columns, so a request needs only the timestamp.
/// </summary>
public static class BikeFeaturizer
{
    /// <summary>The first year of the UCI data; the growth feature counts years from here.</summary>
    public const int FirstYear = 2011;

    public static BikeFeatures Featurize(in BikeObservation o, float label = 0f)
    {
        var weekend = o.LocalHour.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        var workingDay = !weekend && !o.Holiday;
        var breakDay = workingDay && DcHolidayCalendar.IsBreakDay(DateOnly.FromDateTime(o.LocalHour));
        var commuteDay = workingDay && !breakDay;
        return new BikeFeatures
        {
            Hour = o.LocalHour.Hour,
            DayOfWeek = (float)o.LocalHour.DayOfWeek,
            WorkingDay = workingDay ? 1f : 0f,
            Holiday = o.Holiday ? 1f : 0f,
            Month = o.LocalHour.Month,
            Year = o.LocalHour.Year - FirstYear,
            Weather = o.Weather,
            TemperatureC = (float)o.TemperatureC,
            FeelsLikeC = (float)o.FeelsLikeC,
            Humidity = (float)o.Humidity,
            WindSpeedKmh = (float)o.WindSpeedKmh,
            HourOfDayType = o.LocalHour.Hour + (workingDay ? 24f : 0f),
            BreakDay = breakDay ? 1f : 0f,
            CommuteDay = commuteDay ? 1f : 0f,
            OffDay = o.Holiday || breakDay ? 1f : 0f,
            HourOfCommuteType = o.LocalHour.Hour + (commuteDay ? 24f : 0f),
            Label = label,
        };
    }

    /// <summary>A CSV row in UCI units as an observation in ordinary units.</summary>
    public static BikeObservation FromRow(BikeHourRow row) => FromFields(row);

    /// <summary>A training row or a forecast row, whose shared columns are all an observation needs.</summary>
    internal static BikeObservation FromFields(IBikeHourFields row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var day = DateOnly.ParseExact(row.Dteday, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return new BikeObservation(
            day.ToDateTime(new TimeOnly((int)row.Hr, 0)),
            (int)row.Weathersit,
            row.Temp * BikeHourRow.TempScale,
            row.Atemp * BikeHourRow.AtempScale,
            row.Hum * BikeHourRow.HumScale,
            row.Windspeed * BikeHourRow.WindScale,
            row.Holiday >= 0.5f);
    }

    /// <summary>A validated request as an observation; the hour is the local clock hour of the timestamp.</summary>
    public static BikeObservation FromRequest(BikeDemandRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var local = request.Timestamp!.Value.DateTime;
        var hour = new DateTime(local.Year, local.Month, local.Day, local.Hour, 0, 0, DateTimeKind.Unspecified);
        return new BikeObservation(
            hour,
            request.Weather!.Value,
            request.TemperatureC!.Value,
            request.FeelsLikeC!.Value,
            request.Humidity!.Value,
            request.WindSpeedKmh!.Value,
            request.Holiday ?? DcHolidayCalendar.IsHoliday(DateOnly.FromDateTime(hour)));
    }
}
