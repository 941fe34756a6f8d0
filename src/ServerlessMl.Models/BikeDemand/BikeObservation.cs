using ServerlessMl.Definitions;
namespace ServerlessMl.Models.BikeDemand;

/// <summary>
/// One hour as training rows, forecast rows and requests describe it, in ordinary units. Each is
/// turned into this first, and only then featurized, so they cannot drift apart.
/// </summary>
public readonly record struct BikeObservation(
    DateTime LocalHour,
    int Weather,
    double TemperatureC,
    double FeelsLikeC,
    double Humidity,
    double WindSpeedKmh,
    bool Holiday);
