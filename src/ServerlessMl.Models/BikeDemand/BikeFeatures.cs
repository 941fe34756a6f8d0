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
    /// <summary>Hour of the week for working days and days off apart (0..47): commute peaks differ.</summary>
    public float HourOfDayType { get; set; }

    /// <summary>log(1 + rentals) when training; 0 for requests.</summary>
    public float Label { get; set; }

    /// <summary>The input columns the pipeline concatenates into its feature vector.</summary>
    public static readonly string[] InputColumns =
    [
        nameof(Hour), nameof(DayOfWeek), nameof(WorkingDay), nameof(Holiday), nameof(Month),
        nameof(Year), nameof(Weather), nameof(TemperatureC), nameof(FeelsLikeC), nameof(Humidity),
        nameof(WindSpeedKmh), nameof(HourOfDayType),
    ];
}

/// <summary>The model's raw output (log space; see <see cref="BikeDemandModel.ToLabelUnits"/>).</summary>
public sealed class BikePrediction
{
    [ColumnName("Score")]
    public float Score { get; set; }
}
