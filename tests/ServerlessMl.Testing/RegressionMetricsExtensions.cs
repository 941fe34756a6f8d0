using ServerlessMl.Definitions;

namespace ServerlessMl.Testing;

/// <summary>The regression metrics by name, for tests that read them often.</summary>
internal static class RegressionMetricsExtensions
{
    extension(QualityMetrics metrics)
    {
        public double RSquared => metrics[MetricNames.RSquared];

        public double Rmse => metrics[MetricNames.Rmse];

        public double Mae => metrics[MetricNames.Mae];
    }
}
