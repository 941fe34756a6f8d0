using ServerlessMl.Testing;
using ServerlessMl.Definitions;

namespace ServerlessMl.Core.Tests.Definitions;

public sealed class QualityMetricsTests
{
    [Fact]
    public void Computes_r2_rmse_and_mae()
    {
        var metrics = RegressionMetrics.From([(1, 2), (2, 2), (3, 2), (4, 6)]);

        // errors -1, 0, 1, -2: SSE 6, mean 2.5, SST 5
        Assert.Equal(1 - (6.0 / 5.0), metrics.RSquared, 10);
        Assert.Equal(Math.Sqrt(6.0 / 4), metrics.Rmse, 10);
        Assert.Equal(1.0, metrics.Mae, 10);
        Assert.Equal(4, metrics.Rows);
    }

    [Fact]
    public void No_rows_gives_not_a_number_rather_than_a_perfect_score()
    {
        var metrics = RegressionMetrics.From([]);

        Assert.True(double.IsNaN(metrics.RSquared));
        Assert.Equal(0, metrics.Rows);
    }
}
