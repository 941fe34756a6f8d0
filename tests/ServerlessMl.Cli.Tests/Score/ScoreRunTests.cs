using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Testing;

namespace ServerlessMl.Cli.Tests.Score;

/// <summary>
/// `score` against a real Azurite: the job run once from the command line, and offline scoring of
/// the same drop with the same champion, which must give exactly the rows the job stored.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ScoreRunTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly DateTime FirstHour = new(2011, 2, 1, 0, 0, 0);
    private readonly string _work = Directory.CreateTempSubdirectory("serverless-ml-cli-score-").FullName;
    private readonly TestApp _app = TestApp.Create(azurite, ChampionSetup.LenientGate());

    [Fact]
    public async Task Offline_output_of_a_forecast_drop_equals_the_rows_the_job_stored_with_the_same_champion()
    {
        using var data = new SampleData(22);
        await ChampionSetup.TrainVersionsAsync(_app, data, 1);
        var drop = Path.Combine(_work, "2011-02-01.csv");
        SyntheticBikeData.WriteForecast(drop, FirstHour, hours: 72, seed: 5);
        var lines = await File.ReadAllLinesAsync(drop);
        lines[10] = string.Join(',', lines[10].Split(',').Select((f, i) => i == 5 ? "30" : f)); // hr 30: refused by both
        await File.WriteAllLinesAsync(drop, lines);
        var scoring = new BlobContainerClient(azurite.ConnectionString, _app.ScoringContainer);
        await scoring.CreateIfNotExistsAsync();
        await scoring.UploadBlobAsync("bike-demand/2011/02/01.csv", BinaryData.FromBytes(await File.ReadAllBytesAsync(drop)));

        var run = await CliRunner.RunAsync(Env(), "score", "--model", "bike-demand", "--run");
        Assert.True(run.ExitCode == 0, run.StdErr);
        var record = JsonDocument.Parse(run.StdOut).RootElement;
        Assert.Equal("completed", record.GetProperty("status").GetString());
        Assert.Equal(71, record.GetProperty("rowsScored").GetInt64());
        Assert.Equal(10, record.GetProperty("refusedRows")[0].GetProperty("row").GetInt64());
        Assert.Contains("bike-demand: completed, version 0001; 71 rows scored, 1 refused, from 1 drop(s)", run.StdErr, StringComparison.Ordinal);

        var output = Path.Combine(_work, "out", "predictions.csv");
        var offline = await CliRunner.RunAsync(Env(), "score", "--model", "bike-demand", "--input", drop, "--output", output);
        Assert.True(offline.ExitCode == 0, offline.StdErr);
        Assert.Contains("refused: " + drop + ", row 10: hr must be a whole number from 0 to 23, got 30", offline.StdErr, StringComparison.Ordinal);

        var table = new TableClient(azurite.ConnectionString, _app.PredictionsTable);
        var stored = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (var entity in table.QueryAsync<TableEntity>())
        {
            stored.Add(entity.GetString("Key"), entity);
        }

        var rows = Csv.Read(output);
        Assert.Equal(["key", "day", "version", "prediction", "source", "row"], rows[0]);
        Assert.Equal(71, rows.Count - 1);
        Assert.Equal(stored.Keys.Order(StringComparer.Ordinal), rows.Skip(1).Select(r => r[0]).Order(StringComparer.Ordinal));
        foreach (var row in rows.Skip(1))
        {
            var entity = stored[row[0]];
            Assert.Equal($"bike-demand:{row[1]}", entity.PartitionKey);
            Assert.Equal("0001", row[2]);
            Assert.Equal(entity.GetString("Version"), row[2]);
            Assert.Equal(entity.GetDouble("prediction"), double.Parse(row[3], CultureInfo.InvariantCulture));
            Assert.Equal(drop, row[4]);
            Assert.Equal(entity.GetInt64("Row"), long.Parse(row[5], CultureInfo.InvariantCulture));
        }

        Assert.Equal(3, rows.Skip(1).Select(r => r[1]).Distinct().Count()); // 72 hours: each row on its own day
    }

    [Fact]
    public async Task Run_without_a_champion_fails_with_exit_1_and_saying_why()
    {
        await new BlobContainerClient(azurite.ConnectionString, _app.ModelsContainer).CreateIfNotExistsAsync(); // a registry with no version yet
        var run = await CliRunner.RunAsync(Env(), "score", "--model", "bike-demand", "--run");

        Assert.True(run.ExitCode == 1, run.StdErr);
        Assert.Equal("failed", JsonDocument.Parse(run.StdOut).RootElement.GetProperty("status").GetString());
        Assert.Contains("error: scoring bike-demand failed: the model has no champion yet: train one first", run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_nothing_new_is_up_to_date_and_exit_0()
    {
        using var data = new SampleData(22);
        await ChampionSetup.TrainVersionsAsync(_app, data, 1);

        var run = await CliRunner.RunAsync(Env(), "score", "--model", "bike-demand", "--run");

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("upToDate", JsonDocument.Parse(run.StdOut).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Offline_scoring_with_the_champion_needs_one()
    {
        var drop = Path.Combine(_work, "forecast.csv");
        SyntheticBikeData.WriteForecast(drop, FirstHour, hours: 2);

        var result = await CliRunner.RunAsync(Env(), "score", "--model", "bike-demand", "--input", drop);

        Assert.True(result.ExitCode == 2, result.StdErr);
        Assert.Contains("error: bike-demand has no champion to score with", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.StdOut);
    }

    private Dictionary<string, string> Env() => new()
    {
        ["ModelStorage"] = azurite.ConnectionString,
        ["ModelStorage__TrainingContainer"] = _app.TrainingContainer,
        ["ModelStorage__ModelsContainer"] = _app.ModelsContainer,
        ["Scoring__InputContainer"] = _app.ScoringContainer,
        ["Scoring__PredictionsTable"] = _app.PredictionsTable,
    };

    public void Dispose()
    {
        _app.Dispose();
        Directory.Delete(_work, recursive: true);
    }
}
