using System.Text.Json;
using Azure.Storage.Blobs;
using ServerlessMl.Monitoring;
using ServerlessMl.Testing;

namespace ServerlessMl.Cli.Tests;

/// <summary><c>models live</c>: the live quality job run from the command line against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ModelsLiveTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("serverless-ml-cli-").FullName;

    [Fact]
    public async Task Prints_each_days_versions_and_drift_and_with_json_the_stored_records()
    {
        var env = Environment("cli-live");
        var data = Path.Combine(_work, "days");
        await CliRunner.RunAsync(null, "data", "generate", "-o", data, "--days", "25");
        Assert.Equal(0, (await CliRunner.RunAsync(env, "data", "upload", "--model", "bike-demand", "--source", data)).ExitCode);
        var train = await CliRunner.RunAsync(env, "train", "--model", "bike-demand");
        Assert.True(train.ExitCode == 0, train.StdErr);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await WriteLogAsync("cli-live-log", today, 40);

        var text = await CliRunner.RunAsync(env, "models", "live", "--model", "bike-demand", "--days", "2");

        Assert.True(text.ExitCode == 0, text.StdErr);
        Assert.Contains($"{today:yyyy-MM-dd}: 40 logged item(s)", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("champion 0001: served 40, with truth 0, no truth yet", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("drift vs 0001: worst ", text.StdOut, StringComparison.Ordinal);

        var json = await CliRunner.RunAsync(env, "models", "live", "--model", "bike-demand", "--json");
        Assert.True(json.ExitCode == 0, json.StdErr);
        var run = JsonDocument.Parse(json.StdOut).RootElement;
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal(40, run.GetProperty("days")[0].GetProperty("logged").GetInt64());
    }

    [Fact]
    public async Task A_model_without_a_champion_fails_with_exit_1_and_says_why()
    {
        var result = await CliRunner.RunAsync(Environment("cli-live-empty"), "models", "live", "--model", "bike-demand");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no champion yet", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("91")]
    public async Task Days_out_of_range_are_a_usage_error(string days)
    {
        var result = await CliRunner.RunAsync(null, "models", "live", "--model", "bike-demand", "--days", days);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--days must be from 1 to 90", result.StdErr, StringComparison.Ordinal);
    }

    private Dictionary<string, string> Environment(string prefix) => new()
    {
        ["ModelStorage"] = azurite.ConnectionString,
        ["ModelStorage__TrainingContainer"] = prefix + "-training",
        ["ModelStorage__ModelsContainer"] = prefix + "-models",
        ["Monitoring__LogContainer"] = prefix + "-log",
        ["Monitoring__FeedbackContainer"] = prefix + "-feedback",
        ["Monitoring__MinRows"] = "10",
        ["Training__HoldoutDays"] = "7",
        ["Training__MinTrainingDays"] = "14",
    };

    private async Task WriteLogAsync(string container, DateOnly day, int items)
    {
        var client = new BlobContainerClient(azurite.ConnectionString, container);
        await client.CreateIfNotExistsAsync();
        var time = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var lines = Enumerable.Range(0, items).Select(i => JsonSerializer.Serialize(
            new LoggedPrediction($"r{i}", 0, time, "0001", null, new Dictionary<string, double> { ["Hour"] = i % 24, ["TemperatureC"] = 40 }, null, 100, null, null),
            LogJson.Options));
        await client.GetBlobClient(LogBlobNames.Hourly("bike-demand", time, "cli-test")).UploadAsync(BinaryData.FromString(string.Join('\n', lines)), overwrite: true);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
