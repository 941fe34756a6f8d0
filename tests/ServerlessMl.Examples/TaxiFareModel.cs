using System.ComponentModel.DataAnnotations;
using Microsoft.ML;
using Microsoft.ML.Data;
using ServerlessMl.Definitions;

namespace TaxiFare;

/// <summary>One trip: a row of the data files, and without its fare, a prediction request.</summary>
public sealed class TaxiTrip
{
    [LoadColumn(0)] public string VendorId { get; set; } = "";
    [LoadColumn(1)] public string RateCode { get; set; } = "";
    [LoadColumn(2), Range(0.0, 9.0)] public float PassengerCount { get; set; }
    [LoadColumn(3), Range(0.0, 86_400.0)] public float TripTime { get; set; }
    [LoadColumn(4), Range(0.0, 500.0)] public float TripDistance { get; set; }
    [LoadColumn(5)] public string PaymentType { get; set; } = "";
    [LoadColumn(6), ColumnName("Label")] public float FareAmount { get; set; }
}

public sealed class TaxiFareModel : TabularRegressionModel<TaxiTrip>
{
    public override string Name => "taxi-fare";

    public override DataFormat Format { get; } = DataFormat.Csv(
        ["vendor_id", "rate_code", "passenger_count", "trip_time_in_secs", "trip_distance", "payment_type", "fare_amount"]);

    // Fares outside the tariff's range are entry errors in the sample data: left out and counted, not refused.
    protected override bool Keep(TaxiTrip trip) => trip.FareAmount is >= 1 and <= 150;

    public override IEstimator<ITransformer> CreatePipeline(MLContext ml) =>
        ml.Transforms.Categorical.OneHotEncoding(
            [new("Vendor", nameof(TaxiTrip.VendorId)), new("Rate", nameof(TaxiTrip.RateCode)), new("Payment", nameof(TaxiTrip.PaymentType))])
        .Append(ml.Transforms.Concatenate("Features", "Vendor", "Rate", "Payment",
            nameof(TaxiTrip.PassengerCount), nameof(TaxiTrip.TripTime), nameof(TaxiTrip.TripDistance)))
        .Append(ml.Regression.Trainers.FastTree());
}
