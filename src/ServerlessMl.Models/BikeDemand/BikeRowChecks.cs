using System.Globalization;

namespace ServerlessMl.Models.BikeDemand;

/// <summary>
/// The validation rules of a bike row's columns, written once: a training row and a forecast row
/// are refused with the same words for the same fault.
/// </summary>
internal static class BikeRowChecks
{
    /// <summary>The checks of every column but the labels, for a row of <paramref name="fieldCount"/> columns.</summary>
    public static string? Hour(IBikeHourFields row, int fieldCount)
    {
        if (string.IsNullOrEmpty(row.LastField))
        {
            return string.Create(CultureInfo.InvariantCulture, $"the row has fewer than {fieldCount} fields");
        }

        if (!string.IsNullOrEmpty(row.ExtraField))
        {
            return string.Create(CultureInfo.InvariantCulture, $"the row has more than {fieldCount} fields");
        }

        if (!DateOnly.TryParseExact(row.Dteday, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return $"dteday '{row.Dteday}' is not a date in the form yyyy-MM-dd";
        }

        return WholeIn(row.Hr, "hr", 0, 23)
            ?? WholeIn(row.Weathersit, "weathersit", 1, 4)
            ?? WholeIn(row.Holiday, "holiday", 0, 1)
            ?? WholeIn(row.Workingday, "workingday", 0, 1)
            ?? WholeIn(row.Weekday, "weekday", 0, 6)
            ?? WholeIn(row.Season, "season", 1, 4)
            ?? WholeIn(row.Mnth, "mnth", 1, 12)
            ?? UnitInterval(row.Temp, "temp")
            ?? UnitInterval(row.Atemp, "atemp")
            ?? UnitInterval(row.Hum, "hum")
            ?? UnitInterval(row.Windspeed, "windspeed");
    }

    public static string? WholeIn(float value, string column, int min, int max) =>
        float.IsNaN(value) || value != MathF.Floor(value) || value < min || value > max
            ? $"{column} must be a whole number {(max == int.MaxValue ? $"of {min} or more" : $"from {min} to {max.ToString(CultureInfo.InvariantCulture)}")}, got {Describe(value)}"
            : null;

    private static string? UnitInterval(float value, string column) =>
        float.IsNaN(value) || value < 0 || value > 1
            ? $"{column} must be a normalised value from 0 to 1, got {Describe(value)}"
            : null;

    private static string Describe(float value) =>
        float.IsNaN(value) ? "a missing or non-numeric value" : value.ToString(CultureInfo.InvariantCulture);
}
