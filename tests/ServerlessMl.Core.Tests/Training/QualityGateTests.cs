using ServerlessMl.Definitions;
using ServerlessMl.Registry;
using ServerlessMl.Training;

namespace ServerlessMl.Core.Tests.Training;

public sealed class QualityGateTests
{
    private static readonly GateThresholds Thresholds = new() { Floor = 0.8, MaxRegression = 0.05 };
    private static readonly DayRange Window = new(new DateOnly(2012, 1, 1), new DateOnly(2012, 1, 3), 3);

    [Fact]
    public void Passes_above_the_floor_without_a_champion()
    {
        var decision = QualityGate.Decide(Metrics(0.9, 50), null, Thresholds, "no champion yet");

        Assert.True(decision.Passed);
        Assert.Equal(["rSquared 0.9000 on the held-out rows meets the floor 0.8000", "no champion yet"], decision.Reasons);
    }

    [Theory]
    [InlineData(0.5, 125.0, true)] // exactly at both limits: allowed
    [InlineData(0.4999, 125.0, false)]
    [InlineData(0.5, 125.001, false)]
    public void The_limits_themselves_pass_and_anything_past_them_fails(double r2, double candidateRmse, bool passes)
    {
        // 100 x (1 + 0.25) is exactly 125 in floating point, so the boundary is the boundary.
        var thresholds = new GateThresholds { Floor = 0.5, MaxRegression = 0.25 };
        var comparison = new ChampionComparison("0003", Window, Metrics(0.9, candidateRmse), Metrics(0.9, 100));

        var decision = QualityGate.Decide(Metrics(r2, 50), comparison, thresholds);

        Assert.Equal(passes, decision.Passed);
        Assert.Contains(decision.Reasons, r => r.Contains("the allowed 125.0000", StringComparison.Ordinal));
    }

    [Fact]
    public void Fails_below_the_floor_and_says_by_how_much()
    {
        var decision = QualityGate.Decide(Metrics(0.75, 50), null, Thresholds);

        Assert.False(decision.Passed);
        Assert.Contains(decision.Reasons, r => r.Contains("0.7500", StringComparison.Ordinal) && r.Contains("below the floor 0.8000", StringComparison.Ordinal));
    }

    [Fact]
    public void Fails_when_rmse_regresses_beyond_the_tolerance_against_the_champion()
    {
        var comparison = new ChampionComparison("0003", Window, Metrics(0.9, 106), Metrics(0.9, 100));

        var decision = QualityGate.Decide(Metrics(0.9, 50), comparison, Thresholds);

        Assert.False(decision.Passed);
        Assert.Contains(decision.Reasons, r => r.Contains("regresses against champion 0003", StringComparison.Ordinal));
    }

    [Fact]
    public void Passes_a_regression_within_the_tolerance()
    {
        var comparison = new ChampionComparison("0003", Window, Metrics(0.9, 104.9), Metrics(0.9, 100));

        Assert.True(QualityGate.Decide(Metrics(0.9, 50), comparison, Thresholds).Passed);
    }

    [Fact]
    public void Fails_on_metrics_that_are_not_numbers()
    {
        Assert.False(QualityGate.Decide(Metrics(double.NaN, double.NaN), null, Thresholds).Passed);
        var comparison = new ChampionComparison("0001", Window, Metrics(0.9, double.NaN), Metrics(0.9, 10));
        Assert.False(QualityGate.Decide(Metrics(0.9, 10), comparison, Thresholds).Passed);
    }

    [Theory]
    [InlineData(0.05, 0.9801, true)] // log-loss under its ceiling; AUC exactly 1 % under the champion's 0.99
    [InlineData(0.20, 0.99, false)] // log-loss over its ceiling
    [InlineData(0.05, 0.9700, false)] // AUC more than 1 % under the champion's
    public void A_metric_that_is_better_low_floors_from_above_and_one_better_high_compares_from_below(double logLoss, double candidateAuc, bool passes)
    {
        var thresholds = new GateThresholds { FloorMetric = MetricNames.LogLoss, Floor = 0.1, ComparisonMetric = MetricNames.Auc, MaxRegression = 0.01 };
        var comparison = new ChampionComparison("0002", Window, Binary(candidateAuc, 0.05), Binary(0.99, 0.05));

        var decision = QualityGate.Decide(Binary(0.99, logLoss), comparison, thresholds);

        Assert.Equal(passes, decision.Passed);
        Assert.Contains(decision.Reasons, r => r.Contains(logLoss <= 0.1 ? "meets the floor 0.1000" : "is above the floor 0.1000", StringComparison.Ordinal));
        Assert.Contains(decision.Reasons, r => r.Contains("allowed 0.9801", StringComparison.Ordinal));
    }

    [Fact]
    public void A_champion_metric_that_is_not_a_number_fails_the_comparison()
    {
        var comparison = new ChampionComparison("0002", Window, Metrics(0.9, 10), Metrics(0.9, double.NaN));

        Assert.False(QualityGate.Decide(Metrics(0.9, 10), comparison, Thresholds).Passed);
    }

    private static QualityMetrics Binary(double auc, double logLoss) =>
        new(new Dictionary<string, double> { [MetricNames.Auc] = auc, [MetricNames.LogLoss] = logLoss }, 100);

    private static QualityMetrics Metrics(double r2, double rmse) => RegressionMetrics.Of(r2, rmse, rmse / 2, 100);
}
