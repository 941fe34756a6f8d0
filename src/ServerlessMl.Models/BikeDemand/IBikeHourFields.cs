namespace ServerlessMl.Models.BikeDemand;

/// <summary>
/// The columns a training row and a forecast row share (all of <c>hour.csv</c> but its labels),
/// so that one set of checks and one path to an observation serve both.
/// </summary>
internal interface IBikeHourFields
{
    string Dteday { get; }
    float Season { get; }
    float Mnth { get; }
    float Hr { get; }
    float Holiday { get; }
    float Weekday { get; }
    float Workingday { get; }
    float Weathersit { get; }
    float Temp { get; }
    float Atemp { get; }
    float Hum { get; }
    float Windspeed { get; }

    /// <summary>The row's last column as text: empty when the row is short.</summary>
    string LastField { get; }

    /// <summary>The column past the last: not empty when the row is long.</summary>
    string ExtraField { get; }
}
