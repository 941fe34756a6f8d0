using ServerlessMl.Definitions;
using Microsoft.ML.Data;

namespace ServerlessMl.Models.BikeDemand;

/// <summary>
/// One row of a daily training file: the UCI Bike Sharing <c>hour.csv</c> layout, in UCI's
/// normalised units. Numbers load as float so that a malformed value shows up as NaN and is
/// reported with its row, instead of silently becoming 0.
/// </summary>
public sealed class BikeHourRow : IBikeHourFields
{
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
    [LoadColumn(13)] public float Windspeed { get; set; }
    [LoadColumn(14)] public float Casual { get; set; }
    [LoadColumn(15)] public float Registered { get; set; }
    [LoadColumn(16)] public float Cnt { get; set; }

    // The loader fills missing trailing fields with zeros and ignores extra ones; these two
    // text views of the row's ends let validation see a short or long row for what it is.
    [LoadColumn(16)] public string LastField { get; set; } = string.Empty;
    [LoadColumn(17)] public string ExtraField { get; set; } = string.Empty;

    /// <summary>The header a daily file must start with.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "instant", "dteday", "season", "yr", "mnth", "hr", "holiday", "weekday", "workingday",
        "weathersit", "temp", "atemp", "hum", "windspeed", "casual", "registered", "cnt",
    ];

    // UCI's normalisation divisors (see the dataset's readme).
    public const float TempScale = 41f;
    public const float AtempScale = 50f;
    public const float HumScale = 100f;
    public const float WindScale = 67f;
}
