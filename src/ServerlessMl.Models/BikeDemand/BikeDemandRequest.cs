using ServerlessMl.Definitions;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace ServerlessMl.Models.BikeDemand;

/// <summary>
/// What a caller knows about an hour they want a demand forecast for, in ordinary units.
/// </summary>
public sealed class BikeDemandRequest
{
    /// <summary>ISO 8601 local time of the city, without an offset (the model knows the clock, not the time zone).</summary>
    [Required]
    [YearRange(2000, 2100)]
    [JsonPropertyName("timestamp")]
    [JsonConverter(typeof(LocalTimestampConverter))]
    [Description("The city's local date and time of day, ISO 8601 without an offset, e.g. 2011-05-02T08:00:00.")]
    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>1 clear or few clouds, 2 mist or cloudy, 3 light rain or snow, 4 heavy rain, snow or fog.</summary>
    [Required]
    [Range(1, 4)]
    [JsonPropertyName("weather")]
    public int? Weather { get; set; }

    [Required]
    [Range(-40.0, 50.0)]
    [JsonPropertyName("temperatureC")]
    public double? TemperatureC { get; set; }

    [Required]
    [Range(-60.0, 60.0)]
    [JsonPropertyName("feelsLikeC")]
    public double? FeelsLikeC { get; set; }

    [Required]
    [Range(0.0, 100.0)]
    [JsonPropertyName("humidity")]
    public double? Humidity { get; set; }

    [Required]
    [Range(0.0, 200.0)]
    [JsonPropertyName("windSpeedKmh")]
    public double? WindSpeedKmh { get; set; }

    /// <summary>Whether the day is a public holiday; when omitted, the built-in Washington D.C. calendar decides.</summary>
    [JsonPropertyName("holiday")]
    public bool? Holiday { get; set; }
}
