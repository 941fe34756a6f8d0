using System.Text.Json;
using ServerlessMl.Testing;

namespace ServerlessMl.Cli.Tests;

/// <summary>
/// <c>models report</c> end to end against Azurite: the page, its pictures (real PNGs), the gate
/// and data sections, and the held-out metrics reproduced exactly by retraining without them.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ModelReportTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("serverless-ml-report-").FullName;
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task A_regression_report_shows_the_gate_the_versions_the_data_and_its_plots()
    {
        var env = Environment();
        var data = await TrainBikeAsync(env);
        await CliRunner.RunAsync(null, "data", "generate", "-o", data, "--days", "27");
        await Run(env, "data", "upload", "--model", "bike-demand", "--source", data);
        await Run(env, "train", "--model", "bike-demand");
        var output = Path.Combine(_work, "report");
        await WriteLiveDaysAsync(env);

        var report = await Run(env, "models", "report", "--model", "bike-demand", "--version", "0002", "--output", output);

        Assert.Equal(Path.Combine(output, "index.html"), JsonDocument.Parse(report.StdOut).RootElement.GetProperty("report").GetString());
        var html = File.ReadAllText(Path.Combine(output, "index.html"));
        Assert.Contains("bike-demand version 0002", html, StringComparison.Ordinal);
        Assert.Contains("the same numbers as the manifest", html, StringComparison.Ordinal); // the retrain reproduced the gate's view
        // Two days the champion never saw: the first would rebuild it (a tie), the second is compared.
        Assert.Contains("Compared with champion 0001 on the same 24 rows", html, StringComparison.Ordinal);
        Assert.Contains("champion 0001 was built by this recipe: compared on the days after the first it never saw", html, StringComparison.Ordinal);
        Assert.Contains("27 drop(s)", html, StringComparison.Ordinal);
        Assert.Contains("<td>0001</td>", html, StringComparison.Ordinal);
        Assert.Contains("<h2>Live quality</h2>", html, StringComparison.Ordinal);
        Assert.Contains("3 day(s) recorded, 2024-03-01 to 2024-03-03", html, StringComparison.Ordinal);
        Assert.Contains("Input drift against the champion's training data on 2 of the 3 day(s)", html, StringComparison.Ordinal);
        Assert.Contains("7 for request ids never logged", html, StringComparison.Ordinal);
        foreach (var picture in new[] { "predicted-vs-actual.png", "residuals-by-hour-of-day.png", "residuals-by-day-type.png", "importance.png", "history.png", "live-metric-by-day.png", "live-drift.png", "live-champion-vs-challenger.png" })
        {
            Assert.Contains($"src=\"{picture}\"", html, StringComparison.Ordinal);
            AssertPng(Path.Combine(output, picture));
        }
    }

    [SkippableFact]
    public async Task A_classifier_report_has_roc_and_precision_recall_curves_the_confusion_matrix_and_the_weights()
    {
        Skip.IfNot(File.Exists(RepoPaths.SmsSpamTrain), $"the SMS Spam Collection is not at {RepoPaths.SmsSpamTrain} (it lives in ../shared, outside the repository)");
        var env = Environment();
        await Run(env, "data", "upload", "--model", "sms-spam", "--source", RepoPaths.SmsSpamTrain, "--day", "2026-01-01");
        await Run(env, "train", "--model", "sms-spam");
        var output = Path.Combine(_work, "spam-report");

        await Run(env, "models", "report", "--model", "sms-spam", "--output", output);

        var html = File.ReadAllText(Path.Combine(output, "index.html"));
        Assert.Contains("the same numbers as the manifest", html, StringComparison.Ordinal);
        Assert.Contains("Confusion matrix at the served threshold 0.50", html, StringComparison.Ordinal);
        Assert.Contains("<th>spam</th><th>ham</th>", html, StringComparison.Ordinal);
        foreach (var picture in new[] { "roc.png", "precision-recall.png", "importance.png" })
        {
            AssertPng(Path.Combine(output, picture));
        }
    }

    [Fact]
    public async Task Without_live_days_the_live_section_says_none_is_recorded()
    {
        var env = Environment();
        await TrainBikeAsync(env);
        var output = Path.Combine(_work, "no-live");

        await Run(env, "models", "report", "--model", "bike-demand", "--output", output);

        var html = File.ReadAllText(Path.Combine(output, "index.html"));
        Assert.Contains("No live days are recorded for this model", html, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(output, "live-metric-by-day.png")));
    }

    [Fact]
    public async Task A_drop_changed_since_training_is_named_and_nothing_is_written()
    {
        var env = Environment();
        var data = await TrainBikeAsync(env);
        await CliRunner.RunAsync(null, "data", "generate", "-o", data, "--days", "25", "--seed", "9");
        await Run(env, "data", "upload", "--model", "bike-demand", "--source", data, "--overwrite");
        var output = Path.Combine(_work, "stale");

        var report = await CliRunner.RunAsync(env, "models", "report", "--model", "bike-demand", "--output", output);

        Assert.Equal(2, report.ExitCode);
        Assert.Contains("changed since this version was trained", report.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(output, "index.html")));
    }

    /// <summary>25 synthetic days uploaded and trained into version 0001; returns their folder.</summary>
    private async Task<string> TrainBikeAsync(Dictionary<string, string> env)
    {
        var data = Path.Combine(_work, "days");
        await CliRunner.RunAsync(null, "data", "generate", "-o", data, "--days", "25");
        await Run(env, "data", "upload", "--model", "bike-demand", "--source", data);
        await Run(env, "train", "--model", "bike-demand");
        return data;
    }

    /// <summary>Three live days as the live job writes them: 0001 champion, 0002 shadowing it, drift on the last two.</summary>
    private async Task WriteLiveDaysAsync(Dictionary<string, string> env)
    {
        var store = new Monitoring.LiveStore(azurite.CreateClient().GetBlobContainerClient(env["ModelStorage__ModelsContainer"]));
        for (var i = 0; i < 3; i++)
        {
            var day = new DateOnly(2024, 3, 1).AddDays(i);
            var champion = 40.0 + (5 * i);
            await store.WriteAsync("bike-demand", new Monitoring.LiveDay(
                day,
                DateTimeOffset.UtcNow,
                200,
                [
                    new("0001", "champion", 200, 150, new Dictionary<string, double> { ["rmse"] = champion }, "rmse", 80, false),
                    new("0002", "challenger", 200, 150, new Dictionary<string, double> { ["rmse"] = 38.0 }, "rmse", 80, false),
                ],
                new Monitoring.LiveComparison("0001", "0002", 150, "rmse", champion, 38.0),
                new Monitoring.LiveDrift("0001", 200, [new("temperatureC", "psi", i == 0 ? 0.05 : 0.4, 0.25), new("humidity", "psi", 0.1, 0.25)]),
                new Monitoring.FeedbackCounts(10, 3, 7, 0)), default);
        }
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["ModelStorage"] = azurite.ConnectionString,
        ["ModelStorage__TrainingContainer"] = "report-training-" + _suffix,
        ["ModelStorage__ModelsContainer"] = "report-models-" + _suffix,
        ["Training__HoldoutDays"] = "7",
        ["Training__MinTrainingDays"] = "14",
    };

    private static async Task<(int ExitCode, string StdOut, string StdErr)> Run(Dictionary<string, string> env, params string[] args)
    {
        var result = await CliRunner.RunAsync(env, args);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)}: {result.StdErr}");
        return result;
    }

    private static void AssertPng(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 5_000, $"{path} is {bytes.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        Assert.Equal(800, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4))); // IHDR width
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
