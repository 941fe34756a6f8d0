using System.Globalization;
using System.Text.Json;
using ServerlessMl.Testing;

namespace ServerlessMl.Cli.Tests;

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}

[Collection(AzuriteCollection.Name)]
public sealed class CliCommandTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("serverless-ml-cli-").FullName;

    [Fact]
    public async Task Generate_train_offline_and_evaluate_print_machine_readable_json()
    {
        var data = Path.Combine(_work, "days");
        var model = Path.Combine(_work, "out", "model.zip");

        var generate = await CliRunner.RunAsync(null, "data", "generate", "-o", data, "--days", "47", "--seed", "3");
        Assert.True(generate.ExitCode == 0, generate.StdErr);
        Assert.Equal(47, Directory.GetFiles(data, "*.csv").Length);

        // The newest 7 days are kept out of training and scored: evaluation out of sample.
        var unseen = Path.Combine(_work, "unseen");
        Directory.CreateDirectory(unseen);
        foreach (var file in Directory.GetFiles(data, "*.csv").Order(StringComparer.Ordinal).TakeLast(7))
        {
            File.Move(file, Path.Combine(unseen, Path.GetFileName(file)));
        }

        var train = await CliRunner.RunAsync(null, "train", "--model", "bike-demand", "--data", data, "--output", model, "--holdout-days", "7");
        Assert.True(train.ExitCode == 0, train.StdErr);
        Assert.True(File.Exists(model));
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(_work, "out", "model.manifest.json"))).RootElement;
        Assert.Equal(40, manifest.GetProperty("data").GetProperty("blobs").GetArrayLength());

        var evaluate = await CliRunner.RunAsync(null, "evaluate", "--model", "bike-demand", "--zip", model, "--data", unseen);
        Assert.True(evaluate.ExitCode == 0, evaluate.StdErr);
        var metrics = JsonDocument.Parse(evaluate.StdOut).RootElement; // stdout is exactly one JSON object
        Assert.Equal(7 * 24, metrics.GetProperty("rows").GetInt64());
        Assert.InRange(metrics.GetProperty("rSquared").GetDouble(), 0.5, 1.0);

        // In rentals: more than a log-space error could be, less than the spread of the counts themselves.
        var counts = Directory.GetFiles(unseen).SelectMany(f => File.ReadLines(f).Skip(1)).Select(l => double.Parse(l.Split(',')[^1], CultureInfo.InvariantCulture)).ToArray();
        var spread = Math.Sqrt(counts.Select(c => (c - counts.Average()) * (c - counts.Average())).Average());
        var rmse = metrics.GetProperty("rmse").GetDouble();
        var mae = metrics.GetProperty("mae").GetDouble();
        Assert.InRange(rmse, 2, 0.7 * spread);
        Assert.InRange(mae, 1, rmse);
    }

    [Fact]
    public async Task Offline_train_holds_out_a_fraction_of_the_days_and_no_refit_saves_the_judged_model()
    {
        var data = Path.Combine(_work, "days");
        Assert.Equal(0, (await CliRunner.RunAsync(null, "data", "generate", "-o", data, "--days", "40", "--seed", "5")).ExitCode);
        var heldOut = Path.Combine(_work, "held-out");
        Directory.CreateDirectory(heldOut);
        foreach (var file in Directory.GetFiles(data, "*.csv").Order(StringComparer.Ordinal).TakeLast(10))
        {
            File.Copy(file, Path.Combine(heldOut, Path.GetFileName(file)));
        }

        // Scored on the held-out quarter: the judged model scores the manifest's own metrics; a refit one has seen those days.
        foreach (var refit in new[] { false, true })
        {
            var model = Path.Combine(_work, refit ? "refit" : "judged", "model.zip");
            var train = await CliRunner.RunAsync(null, ["train", "--model", "bike-demand", "--data", data, "--output", model, "--holdout-fraction", "0.25", .. refit ? Array.Empty<string>() : ["--no-refit"]]);
            Assert.True(train.ExitCode == 0, train.StdErr);
            var manifest = JsonDocument.Parse(File.ReadAllText(TrainManifest(model))).RootElement;
            Assert.Equal(10, manifest.GetProperty("validationWindow").GetProperty("days").GetInt32());
            Assert.Equal(refit, manifest.GetProperty("refitOnAllData").GetBoolean());

            var evaluate = await CliRunner.RunAsync(null, "evaluate", "--model", "bike-demand", "--zip", model, "--data", heldOut);
            Assert.True(evaluate.ExitCode == 0, evaluate.StdErr);
            var rmse = JsonDocument.Parse(evaluate.StdOut).RootElement.GetProperty("rmse").GetDouble();
            var judged = manifest.GetProperty("metrics").GetProperty("rmse").GetDouble();
            if (refit)
            {
                Assert.True(rmse < 0.95 * judged, $"refit model scores RMSE {rmse} on days it trained on, the judged model {judged}");
            }
            else
            {
                Assert.Equal(judged, rmse, 6);
            }
        }
    }

    [Fact]
    public async Task Upload_keeps_the_days_already_in_storage_unless_told_to_overwrite()
    {
        var env = new Dictionary<string, string>
        {
            ["ModelStorage"] = azurite.ConnectionString,
            ["ModelStorage__TrainingContainer"] = "upload-" + Guid.NewGuid().ToString("N")[..12],
        };
        var data = Path.Combine(_work, "days");
        await CliRunner.RunAsync(null, "data", "generate", "-o", data, "--days", "3", "--seed", "1");
        Assert.Equal(0, (await CliRunner.RunAsync(env, "data", "upload", "--model", "bike-demand", "--source", data)).ExitCode);
        await CliRunner.RunAsync(null, "data", "generate", "-o", data, "--days", "3", "--seed", "2"); // the same days, other counts
        var blob = new Azure.Storage.Blobs.BlobContainerClient(azurite.ConnectionString, env["ModelStorage__TrainingContainer"]).GetBlobClient("bike-demand/2011/01/02.csv");
        var original = (await blob.DownloadContentAsync()).Value.Content.ToString();
        Assert.NotEqual(original, File.ReadAllText(Path.Combine(data, "2011-01-02.csv")));

        var kept = await CliRunner.RunAsync(env, "data", "upload", "--model", "bike-demand", "--source", data);
        Assert.True(kept.ExitCode == 0, kept.StdErr);
        Assert.Contains("Uploaded 0 day(s); 3 already there and kept", kept.StdErr, StringComparison.Ordinal);
        Assert.Contains($"to the container {env["ModelStorage__TrainingContainer"]}, as bike-demand/yyyy/MM/dd", kept.StdErr.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.Equal(original, (await blob.DownloadContentAsync()).Value.Content.ToString());

        var replaced = await CliRunner.RunAsync(env, "data", "upload", "--model", "bike-demand", "--source", data, "--overwrite");
        Assert.True(replaced.ExitCode == 0, replaced.StdErr);
        Assert.Contains("Uploaded 3 day(s)", replaced.StdErr, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(Path.Combine(data, "2011-01-02.csv")), (await blob.DownloadContentAsync()).Value.Content.ToString());
    }

    private static string TrainManifest(string modelZip) => Path.Combine(Path.GetDirectoryName(modelZip)!, "model.manifest.json");

    [Fact]
    public async Task Bad_data_exits_with_code_2_and_names_the_file_and_row()
    {
        var data = Path.Combine(_work, "days");
        await CliRunner.RunAsync(null, "data", "generate", "-o", data, "--days", "30");
        var bad = Path.Combine(data, "2011-01-10.csv");
        var lines = File.ReadAllLines(bad);
        lines[3] = lines[3].Replace("2011-01-10", "2011-01-11", StringComparison.Ordinal);
        File.WriteAllLines(bad, lines);

        var train = await CliRunner.RunAsync(null, "train", "--model", "bike-demand", "--data", data, "--output", Path.Combine(_work, "m.zip"));

        Assert.Equal(2, train.ExitCode);
        Assert.Contains("2011-01-10.csv, row 3: date 2011-01-11 does not match", train.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_work, "m.zip")));
    }

    [Fact]
    public async Task Upload_train_list_show_and_promote_against_azurite()
    {
        var env = new Dictionary<string, string>
        {
            ["ModelStorage"] = azurite.ConnectionString,
            ["ModelStorage__TrainingContainer"] = "cli-training",
            ["ModelStorage__ModelsContainer"] = "cli-models",
            ["Training__HoldoutDays"] = "7",
            ["Training__MinTrainingDays"] = "14",
        };
        var data = Path.Combine(_work, "days");
        await CliRunner.RunAsync(null, "data", "generate", "-o", data, "--days", "25");

        var upload = await CliRunner.RunAsync(env, "data", "upload", "--model", "bike-demand", "--source", data);
        Assert.True(upload.ExitCode == 0, upload.StdErr);
        var train = await CliRunner.RunAsync(env, "train", "--model", "bike-demand");
        Assert.True(train.ExitCode == 0, train.StdErr);
        Assert.Equal("promoted", JsonDocument.Parse(train.StdOut).RootElement.GetProperty("status").GetString());

        var show = await CliRunner.RunAsync(env, "models", "show", "--model", "bike-demand");
        Assert.Equal("0001", JsonDocument.Parse(show.StdOut).RootElement.GetProperty("version").GetString());
        var list = await CliRunner.RunAsync(env, "models", "list", "--model", "bike-demand");
        Assert.Equal("0001", JsonDocument.Parse(list.StdOut).RootElement.GetProperty("champion").GetString());

        var promote = await CliRunner.RunAsync(env, "models", "promote", "--model", "bike-demand", "--version", "0009");
        Assert.Equal(2, promote.ExitCode);
        Assert.Contains("has no version '0009'", promote.StdErr, StringComparison.Ordinal);

        // A damaged manifest is named, without a stack trace.
        var manifestBlob = new Azure.Storage.Blobs.BlobContainerClient(azurite.ConnectionString, "cli-models").GetBlobClient(Registry.ModelRegistry.ManifestBlobName("bike-demand", "0001"));
        await manifestBlob.UploadAsync(BinaryData.FromString("{\"model\": "), overwrite: true);
        var damaged = await CliRunner.RunAsync(env, "models", "show", "--model", "bike-demand");
        Assert.Equal(2, damaged.ExitCode);
        Assert.Contains("versions/0001/manifest.json) is not valid JSON", damaged.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", damaged.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_that_need_storage_say_how_to_give_it()
    {
        var result = await CliRunner.RunAsync(null, "models", "list", "--model", "bike-demand");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--connection", result.StdErr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
