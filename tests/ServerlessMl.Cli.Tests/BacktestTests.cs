using System.Text.Json;
using ServerlessMl.Testing;

namespace ServerlessMl.Cli.Tests;

/// <summary><c>serverless-ml backtest</c> as a user runs it: cadences side by side, references included, refusals named.</summary>
public sealed class BacktestTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("serverless-ml-backtest-").FullName;

    [Fact]
    public async Task Every_recipe_is_walked_forward_at_every_cadence_over_the_same_rows()
    {
        var data = Path.Combine(_work, "days");
        await CliRunner.RunAsync(null, "data", "generate", "-o", data, "--days", "70");

        var plot = Path.Combine(_work, "plots", "backtest.png");
        var result = await CliRunner.RunAsync(null, "backtest", "--model", "bike-demand", "--data", data, "--from", "2011-02-15", "--every", "7d", "--every", "14d", "--plot", plot);

        Assert.True(result.ExitCode == 0, result.StdErr);
        var runs = JsonDocument.Parse(result.StdOut).RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(
            ["mlnet-sample 14", "mlnet-sample 7", "seasonal-naive 14", "seasonal-naive 7", "shipped 14", "shipped 7"],
            runs.Select(r => $"{r.GetProperty("recipe").GetString()} {r.GetProperty("everyDays").GetInt32()}").Order(StringComparer.Ordinal));
        foreach (var run in runs)
        {
            // 2011-02-15 to 2011-03-11: 25 days of 24 hours, whatever the cadence.
            Assert.Equal(25 * 24, run.GetProperty("pooled").GetProperty("rows").GetInt64());
            var blocks = run.GetProperty("blocks").EnumerateArray().ToList();
            Assert.Equal(run.GetProperty("everyDays").GetInt32() == 7 ? 4 : 2, blocks.Count);
            Assert.Equal("2011-02-15", blocks[0].GetProperty("from").GetString());
            Assert.Equal("2011-03-11", blocks[^1].GetProperty("to").GetString());
            Assert.Single(run.GetProperty("worst").EnumerateArray()); // the worst tenth of 2-4 blocks is one
        }

        double Rmse(string recipe) => runs.First(r => r.GetProperty("recipe").GetString() == recipe && r.GetProperty("everyDays").GetInt32() == 7).GetProperty("pooled").GetProperty("rmse").GetDouble();
        Assert.True(Rmse("shipped") < Rmse("seasonal-naive"), $"shipped {Rmse("shipped")} against seasonal-naive {Rmse("seasonal-naive")}");
        Assert.Contains("pooled R²", result.StdErr, StringComparison.Ordinal); // the table, on stderr
        foreach (var png in new[] { plot, Path.Combine(_work, "plots", "backtest-worst.png") })
        {
            var bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 5_000 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G', $"{png} is not a drawn PNG");
        }
    }

    [Fact]
    public async Task A_candidate_runs_only_when_named()
    {
        var data = Path.Combine(_work, "days");
        await CliRunner.RunAsync(null, "data", "generate", "-o", data, "--days", "40");

        var result = await CliRunner.RunAsync(null, "backtest", "--model", "bike-demand", "--data", data, "--from", "2011-02-01", "--every", "7d", "--recipe", "lgbm-calendar", "--recipe", "shipped");

        Assert.True(result.ExitCode == 0, result.StdErr);
        var runs = JsonDocument.Parse(result.StdOut).RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(["lgbm-calendar", "shipped"], runs.Select(r => r.GetProperty("recipe").GetString()));
        Assert.All(runs, r => Assert.Equal(9 * 24, r.GetProperty("pooled").GetProperty("rows").GetInt64())); // 2011-02-01 to 2011-02-09
    }

    [SkippableFact]
    public async Task A_model_without_time_order_is_refused_with_the_reason()
    {
        Skip.IfNot(File.Exists(RepoPaths.SmsSpamTrain), $"the SMS Spam Collection is not at {RepoPaths.SmsSpamTrain} (it lives in ../shared, outside the repository)");

        var result = await CliRunner.RunAsync(null, "backtest", "--model", "sms-spam", "--data", RepoPaths.SmsSpamTrain);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no time order", result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--recipe", "prophet", "has no recipe 'prophet'. Its recipes: shipped, seasonal-naive, mlnet-sample, features-tweedie, lgbm-calendar,")]
    [InlineData("--every", "weekly", "--every 'weekly' is not a cadence")]
    [InlineData("--from", "2011-13-01", "--from '2011-13-01' is not a date")]
    public async Task Wrong_options_are_named(string option, string value, string expected)
    {
        var data = Path.Combine(_work, "days");
        await CliRunner.RunAsync(null, "data", "generate", "-o", data, "--days", "10");

        var result = await CliRunner.RunAsync(null, "backtest", "--model", "bike-demand", "--data", data, option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.StdErr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
