using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using ServerlessMl.Definitions;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Models.SmsSpam;

namespace ServerlessMl.Cli.Tests.Score;

/// <summary>
/// `score --input` with a local model.zip, through the real `serverless-ml` process and without
/// storage: refused rows listed and the rest scored, folders, the output formats, and mistakes.
/// </summary>
public sealed class ScoreOfflineTests(LocalModels models) : IClassFixture<LocalModels>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("serverless-ml-cli-score-offline-").FullName;

    [Fact]
    public async Task Zip_scoring_needs_no_storage_and_lists_the_first_20_refused_rows_while_scoring_the_rest()
    {
        var drop = Path.Combine(_work, "forecast.csv");
        SyntheticBikeData.WriteForecast(drop, new DateTime(2011, 3, 1, 0, 0, 0), hours: 48);
        var lines = await File.ReadAllLinesAsync(drop);
        for (var row = 1; row <= 25; row++)
        {
            lines[row] = string.Join(',', lines[row].Split(',').Select((f, i) => i == 5 ? "24" : f));
        }

        await File.WriteAllLinesAsync(drop, lines);
        var output = Path.Combine(_work, "scored.csv");

        var result = await CliRunner.RunAsync(null, "score", "--model", "bike-demand", "--input", drop, "--zip", models.Bike, "--output", output);

        Assert.True(result.ExitCode == 0, result.StdErr);
        var refused = result.StdErr.Split('\n').Where(l => l.StartsWith("refused: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(21, refused.Count);
        Assert.Equal($"refused: {drop}, row 1: hr must be a whole number from 0 to 23, got 24", refused[0]);
        Assert.Equal($"refused: {drop}, row 20: hr must be a whole number from 0 to 23, got 24", refused[19]);
        Assert.Equal("refused: 5 more rows (the first 20 are listed)", refused[20]);
        Assert.Contains("23 rows scored with version model.zip, 25 refused, from 1 of 1 file(s)", result.StdErr, StringComparison.Ordinal);
        var rows = Csv.Read(output).Skip(1).ToList();
        Assert.Equal(Enumerable.Range(26, 23).Select(r => r.ToString(System.Globalization.CultureInfo.InvariantCulture)), rows.Select(r => r[5]));
        Assert.Equal("2011-03-02T01:00", rows[0][0]);
        Assert.All(rows, r => Assert.Equal("model.zip", r[2]));
        Assert.All(rows, r => Assert.InRange(double.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture), 0, 2000));
    }

    [Fact]
    public async Task A_folder_is_scored_file_by_file_in_path_order_each_on_its_day_into_json_lines()
    {
        var folder = Path.Combine(_work, "drops");
        Directory.CreateDirectory(Path.Combine(folder, "2026", "01"));
        await File.WriteAllTextAsync(Path.Combine(folder, "2026", "01", "06-late.tsv"), "c\tsee you at lunch\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "2026", "01", "05.tsv"), "a,\"b\tWINNER!! you have won a £1000 cash prize. Call 09061234567 now, T&Cs apply 7\n\tare we still on for dinner\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "2026-01-07.tsv"), "d\tthanks for the lunch\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "loose.tsv"), "e\tcall me after class\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "not a drop\n");
        var output = Path.Combine(_work, "out", "spam.jsonl");

        var result = await CliRunner.RunAsync(null, "score", "--model", "sms-spam", "--input", folder, "--zip", models.Spam, "--output", output, "--day", "2026-02-01");

        Assert.True(result.ExitCode == 0, result.StdErr);
        var rows = (await File.ReadAllLinesAsync(output)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(
            [("2026-01-07", "d"), ("2026-01-05", "a,\"b"), ("2026-01-05", "sha256-" + Sha256Prefix("are we still on for dinner")), ("2026-01-06", "c"), ("2026-02-01", "e")],
            rows.Select(r => (r.GetProperty("day").GetString(), r.GetProperty("key").GetString())));
        Assert.Equal(Path.Join(folder, "2026/01/06-late.tsv"), rows[3].GetProperty("source").GetString());
        Assert.Equal(2, rows[2].GetProperty("row").GetInt64());
        Assert.Equal("spam", rows[1].GetProperty("label").GetString());
        Assert.Equal("ham", rows[4].GetProperty("label").GetString());
        Assert.InRange(rows[1].GetProperty("probability").GetDouble(), 0.5, 1);
        Assert.Contains("5 rows scored with version model.zip, 0 refused, from 4 of 4 file(s)", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_on_stdout_quotes_keys_and_a_version_comes_from_the_manifest_beside_the_zip()
    {
        var registryCopy = Path.Combine(_work, "versions", "0007");
        Directory.CreateDirectory(registryCopy);
        File.Copy(models.Spam, Path.Combine(registryCopy, "model.zip"));
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(models.Folder, "spam", "model.manifest.json")))!;
        manifest["version"] = "0007";
        await File.WriteAllTextAsync(Path.Combine(registryCopy, "manifest.json"), manifest.ToJsonString());
        var drop = Path.Combine(_work, "messages.tsv");
        await File.WriteAllTextAsync(drop, "x \"1\", y\tWINNER you have won\n");

        var result = await CliRunner.RunAsync(null, "score", "--model", "sms-spam", "--input", drop, "--zip", Path.Combine(registryCopy, "model.zip"));

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.StartsWith("key,day,version,label,probability,source,row\n\"x \"\"1\"\", y\",", result.StdOut, StringComparison.Ordinal);
        var row = Assert.Single(Csv.Parse(result.StdOut).Skip(1));
        Assert.Equal("x \"1\", y", row[0]);
        Assert.Equal("0007", row[2]);
    }

    [Fact]
    public async Task A_file_that_cannot_be_read_is_exit_2_naming_it_and_the_other_files_are_still_scored()
    {
        var folder = Path.Combine(_work, "drops");
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, "2026-01-05.tsv"), [.. "a\thello\nb\tWIN "u8, 0xFF, .. " cash\n"u8]);
        await File.WriteAllTextAsync(Path.Combine(folder, "2026-01-06.tsv"), "c\tsee you at lunch\n");
        var output = Path.Combine(_work, "out.csv");

        var result = await CliRunner.RunAsync(null, "score", "--model", "sms-spam", "--input", folder, "--zip", models.Spam, "--output", output);

        Assert.True(result.ExitCode == 2, result.StdErr);
        Assert.Contains($"unreadable: {Path.Join(folder, "2026-01-05.tsv")}, row 2: invalid UTF-8 on line 2", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("error: 1 of 2 file(s) could not be read", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(["c"], Csv.Read(output).Skip(1).Select(r => r[0]));
    }

    [Fact]
    public async Task A_file_whose_every_row_is_refused_is_exit_2()
    {
        var drop = Path.Combine(_work, "empty-texts.tsv");
        await File.WriteAllTextAsync(drop, "a\t\nb\t \n");

        var result = await CliRunner.RunAsync(null, "score", "--model", "sms-spam", "--input", drop, "--zip", models.Spam);

        Assert.True(result.ExitCode == 2, result.StdErr);
        Assert.Contains($"refused: {drop}, row 2: the text is empty", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("error: no row could be scored (every row was refused", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zip_of_the_other_model_is_exit_2_before_any_row_is_written()
    {
        var drop = Path.Combine(_work, "messages.tsv");
        await File.WriteAllTextAsync(drop, "a\thello\n");
        var bare = Path.Combine(_work, "bare", "bike.zip"); // without its manifest: ML.NET's schema decides
        Directory.CreateDirectory(Path.GetDirectoryName(bare)!);
        File.Copy(models.Bike, bare);
        var output = Path.Combine(_work, "out.csv");

        var withManifest = await CliRunner.RunAsync(null, "score", "--model", "sms-spam", "--input", drop, "--zip", models.Bike, "--output", output);
        var without = await CliRunner.RunAsync(null, "score", "--model", "sms-spam", "--input", drop, "--zip", bare, "--output", output);

        CliAssert.ShortError(withManifest, 2, "is not a sms-spam model: its manifest");
        CliAssert.ShortError(without, 2, "it looks like a model of another kind");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task An_output_that_is_the_input_is_refused_and_the_input_kept()
    {
        var drop = Path.Combine(_work, "forecast.csv");
        SyntheticBikeData.WriteForecast(drop, new DateTime(2011, 3, 1, 0, 0, 0), hours: 3);
        var before = await File.ReadAllTextAsync(drop);

        var result = await CliRunner.RunAsync(null, "score", "--model", "bike-demand", "--input", drop, "--zip", models.Bike, "--output", drop);

        CliAssert.ShortError(result, 2, $"--output {drop} is the file to score");
        Assert.Equal(before, await File.ReadAllTextAsync(drop));
    }

    [Theory]
    [InlineData("score|--model|bike-demand", "give --input FILE|FOLDER to score files here, or --run")]
    [InlineData("score|--model|bike-demand|--input|x.csv|--run", "--input and --run are two ways to score; give one")]
    [InlineData("score|--model|bike-demand|--run|--zip|m.zip", "--zip, --output and --day are for scoring files (--input)")]
    [InlineData("score|--model|nope|--run", "Unknown model 'nope'. Known: bike-demand, sms-spam")]
    [InlineData("score|--input|x.csv", "Name the model with --model: bike-demand, sms-spam")]
    [InlineData("score|--model|bike-demand|--input|x.csv|--output|x.txt", "--output 'x.txt' must end in .csv or .jsonl")]
    [InlineData("score|--model|bike-demand|--input|x.csv|--day|2026-13-01", "--day '2026-13-01' is not a date yyyy-MM-dd")]
    [InlineData("score|--model|bike-demand|--input|no-such-file.csv|--zip|m.zip", "No file or folder at 'no-such-file.csv'")]
    [InlineData("score|--model|bike-demand|--inptu|x.csv", "did you mean --input?")]
    public async Task Mistakes_are_exit_2_with_one_line_saying_what_to_do(string args, string expected)
    {
        CliAssert.ShortError(await CliRunner.RunAsync(null, args.Split('|')), 2, expected);
    }

    [Fact]
    public async Task Help_says_how_a_file_gets_its_day()
    {
        var result = await CliRunner.RunAsync(null, "score", "--help");

        Assert.True(result.ExitCode == 0, result.StdErr + result.StdOut);
        Assert.Contains("dd[-name].<ext> under yyyy/MM", System.Text.RegularExpressions.Regex.Replace(result.StdOut, @"\s+", " "), StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_that_is_not_precomputed_is_refused_naming_those_that_are()
    {
        var catalog = new ModelCatalog([new BikeDemandModel(), new SmsSpamModel(), new PlainModel()]);

        Assert.Null(Commands.ScoreCommand.NotPrecomputed(catalog, "bike-demand"));
        Assert.Equal(
            "plain is not precomputed (its definition does not implement IPrecomputed), so it has no scoring drops to score; the models that are: bike-demand, sms-spam",
            Commands.ScoreCommand.NotPrecomputed(catalog, "plain"));
    }

    private static string Sha256Prefix(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)), 0, 16);

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private sealed class PlainRow
    {
        [LoadColumn(0)] public float X { get; set; }

        [LoadColumn(1), ColumnName("Label")] public float Y { get; set; }
    }

    private sealed class PlainModel : TabularRegressionModel<PlainRow>
    {
        public override string Name => "plain";

        public override DataFormat Format { get; } = DataFormat.Csv(["x", "y"]);

        public override IEstimator<ITransformer> CreatePipeline(MLContext ml) =>
            ml.Transforms.Concatenate("Features", nameof(PlainRow.X)).Append(ml.Regression.Trainers.Sdca());
    }
}
