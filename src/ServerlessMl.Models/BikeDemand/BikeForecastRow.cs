using Microsoft.ML.Data;

namespace ServerlessMl.Models.BikeDemand;

/// <summary>
/// One row of a scoring drop: an hour to forecast, in the <c>hour.csv</c> layout without its
/// three label columns (casual, registered, cnt), the weather being the forecast's.
/// </summary>
public sealed class BikeForecastRow : IBikeHourFields
{
    private const int LastColumn = 13;

    [LoadColumn(0)] public float Instant { get; set; }
    [LoadColumn(1)] public string Dteday { get; set; } = string.Empty;
    [LoadColumn(2)] public float Season { get; set; }
    [LoadColumn(3)] public float Yr { get; set; }
    [LoadColumn(4)] public float Mnth { get; set; }
    [LoadColumn(5)] public float Hr { get; set; }
    [LoadColumn(6)] public float Holiday { get; set; }
    [LoadColumn(7)] public float Weekday { get; set; }
    [LoadColumn(8)] public float Workingday { get; set; }
    [LoadColumn(9)] public float Weathersit { get; set; }
    /// <summary>Temperature in °C divided by 41.</summary>
    [LoadColumn(10)] public float Temp { get; set; }
    /// <summary>Feels-like temperature in °C divided by 50.</summary>
    [LoadColumn(11)] public float Atemp { get; set; }
    /// <summary>Relative humidity in % divided by 100.</summary>
    [LoadColumn(12)] public float Hum { get; set; }
    /// <summary>Wind speed in km/h divided by 67.</summary>
    [LoadColumn(LastColumn)] public float Windspeed { get; set; }

    // As in BikeHourRow: the loader pads a short row and drops a long row's end, so validation reads both ends as text.
    [LoadColumn(LastColumn)] public string LastField { get; set; } = string.Empty;
    [LoadColumn(LastColumn + 1)] public string ExtraField { get; set; } = string.Empty;

    /// <summary>The header a scoring drop must start with: the training header up to windspeed.</summary>
    public static readonly IReadOnlyList<string> Columns = [.. BikeHourRow.Columns.Take(LastColumn + 1)];
}
