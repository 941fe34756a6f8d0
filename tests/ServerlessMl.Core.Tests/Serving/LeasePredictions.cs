using Microsoft.ML;
using ServerlessMl.Definitions;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Serving;

namespace ServerlessMl.Core.Tests.Serving;

/// <summary>Predicts with a rented engine of the bike model as the predict route does: request, features, answer item.</summary>
internal static class LeasePredictions
{
    private static readonly IServedModel<BikeDemandRequest, BikeFeatures, RegressionScore, double> Bike = new BikeDemandModel();

    internal static double Predict(this EngineLease lease, BikeDemandRequest request) =>
        Bike.ToItem(((PredictionEngine<BikeFeatures, RegressionScore>)lease.Engine).Predict(Bike.FromRequest(request)));
}
