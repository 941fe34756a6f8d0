namespace ServerlessMl.Definitions;

/// <summary>R², RMSE and MAE from (actual, predicted) pairs in one pass.</summary>
internal static class RegressionMetrics
{
    public static QualityMetrics From(IEnumerable<(double Actual, double Predicted)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        long n = 0;
        double sumActual = 0, sumActualSq = 0, sumSqErr = 0, sumAbsErr = 0;
        foreach (var (actual, predicted) in pairs)
        {
            var err = actual - predicted;
            n++;
            sumActual += actual;
            sumActualSq += actual * actual;
            sumSqErr += err * err;
            sumAbsErr += Math.Abs(err);
        }

        if (n == 0)
        {
            return Of(double.NaN, double.NaN, double.NaN, 0);
        }

        var mean = sumActual / n;
        var totalSq = sumActualSq - (n * mean * mean);
        var r2 = totalSq > 0 ? 1 - (sumSqErr / totalSq) : double.NaN;
        return Of(r2, Math.Sqrt(sumSqErr / n), sumAbsErr / n, n);
    }

    public static QualityMetrics Of(double rSquared, double rmse, double mae, long rows) =>
        new(new Dictionary<string, double> { [MetricNames.RSquared] = rSquared, [MetricNames.Rmse] = rmse, [MetricNames.Mae] = mae }, rows);
}
