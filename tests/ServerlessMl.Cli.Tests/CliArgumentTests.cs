using ServerlessMl.Testing;

namespace ServerlessMl.Cli.Tests;

/// <summary>
/// Command lines a user can mistype, through the real `serverless-ml` process: each is refused
/// before any work with exit 2 and one line naming what is wrong, whatever the command.
/// </summary>
public sealed class CliArgumentTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("serverless-ml-cli-args-").FullName;

    [Theory]
    [InlineData("serve|--prot|7090|--api-kye|secret", "unknown option '--prot' for serve; did you mean --port?")]
    [InlineData("serve|--port|7090|--api-kye|secret", "unknown option '--api-kye' for serve; did you mean --api-key?")]
    [InlineData("models|list|--model|bike-demand|--bogus", "unknown option '--bogus' for models list")]
    [InlineData("models|show|--model|bike-demand|--verison|0001", "did you mean --version?")]
    [InlineData("models|promote|--model|bike-demand|--version|0001|--froce", "did you mean --force?")]
    [InlineData("models|report|--model|bike-demand|--ouput|r", "did you mean --output?")]
    [InlineData("data|generate|--dyas|3", "unknown option '--dyas' for data generate; did you mean --days?")]
    [InlineData("data|upload|--model|bike-demand|--sorce|d", "did you mean --source?")]
    [InlineData("train|--model|bike-demand|--holdout-day|3", "did you mean --holdout-days?")]
    [InlineData("evaluate|--model|bike-demand|--zipp|m.zip|--data|d", "did you mean --zip?")]
    [InlineData("backtest|--model|bike-demand|--data|d|--evry|7d", "did you mean --every?")]
    [InlineData("serve|-x", "unknown option '-x' for serve")]
    public async Task An_unknown_option_is_exit_2_naming_it_and_the_nearest_known_one(string args, string expected)
    {
        AssertRefused(await CliRunner.RunAsync(null, args.Split('|')), expected);
    }

    [Theory]
    [InlineData("serve|--port", "--port needs a value")]
    [InlineData("serve|--port|--lazy", "--port needs a value")]
    [InlineData("data|generate|--days", "--days needs a value")]
    [InlineData("train|--model|bike-demand|--data", "--data needs a value")]
    [InlineData("serve|--port|abc", "--port must be a whole number, not 'abc'")]
    [InlineData("serve|--port|1|--port|2", "--port is given twice")]
    [InlineData("serve|--port|70000", "--port must be 0-65535")]
    [InlineData("serve|--port|-1", "--port must be 0-65535")]
    [InlineData("serve|--host|", "--host is empty")]
    [InlineData("serve|--api-key|", "--api-key is empty")]
    [InlineData("data|generate|--days|-3", "--days must be from 1 to 36500")]
    [InlineData("data|generate|--scale|-1", "--scale must be a positive number")]
    [InlineData("data|generate|--scale|0", "--scale must be a positive number")]
    [InlineData("data|generate|--scale|NaN", "--scale must be a positive number")]
    [InlineData("data|generate|--start|2099-01-01", "after tomorrow (UTC)")]
    [InlineData("data|generate|--days|36500", "after tomorrow (UTC)")]
    [InlineData("train|--model|bike-demand|--data|d|--output|m.zip|--holdout-days|0", "--holdout-days must be at least 1")]
    [InlineData("train|--model|bike-demand|--data|d|--output|m.zip|--holdout-fraction|0.2|--holdout-days|7", "--holdout-days and --holdout-fraction")]
    [InlineData("models|list|--model|bike-demand|extra", "unexpected argument 'extra'")]
    [InlineData("serve|--lazy|true", "unexpected argument 'true'")]
    public async Task A_malformed_value_is_exit_2_naming_the_option(string args, string expected)
    {
        AssertRefused(await CliRunner.RunAsync(null, args.Split('|')), expected);
    }

    [Fact]
    public async Task An_incomplete_command_shows_its_help_and_is_exit_2()
    {
        var result = await CliRunner.RunAsync(null, "models");

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.StdErr}{result.StdOut}");
    }

    [Fact]
    public async Task Train_to_an_output_whose_folder_is_a_file_is_refused_before_training()
    {
        var data = await GenerateAsync(40);
        var file = Path.Combine(_work, "a-file");
        await File.WriteAllTextAsync(file, "x");
        var output = Path.Combine(file, "model.zip");

        var result = await CliRunner.RunAsync(null, "train", "--model", "bike-demand", "--data", data, "--output", output, "--holdout-days", "7");

        AssertRefused(result, $"--output: cannot write {output}");
        Assert.DoesNotContain("Validating", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_plot_to_an_unwritable_place_is_refused_before_the_backtest()
    {
        var data = await GenerateAsync(40);
        var file = Path.Combine(_work, "a-file");
        await File.WriteAllTextAsync(file, "x");
        var plot = Path.Combine(file, "plot.png");

        var result = await CliRunner.RunAsync(null, "backtest", "--model", "bike-demand", "--data", data, "--plot", plot);

        AssertRefused(result, $"--plot: cannot write {plot}");
    }

    [Fact]
    public async Task Evaluate_refuses_a_zip_of_another_model_by_name_both_ways_and_an_empty_folder()
    {
        var bikeData = await GenerateAsync(40);
        var bikeZip = Path.Combine(_work, "bike", "model.zip");
        var trainBike = await CliRunner.RunAsync(null, "train", "--model", "bike-demand", "--data", bikeData, "--output", bikeZip, "--holdout-days", "7");
        Assert.True(trainBike.ExitCode == 0, trainBike.StdErr);
        var spamData = Path.Combine(_work, "sms.txt");
        SyntheticSms.Write(spamData, 600);
        var spamZip = Path.Combine(_work, "spam", "model.zip");
        var trainSpam = await CliRunner.RunAsync(null, "train", "--model", "sms-spam", "--data", spamData, "--output", spamZip);
        Assert.True(trainSpam.ExitCode == 0, trainSpam.StdErr);

        // Without the manifest beside it, the zip's own input schema tells.
        File.Delete(Path.Combine(_work, "spam", "model.manifest.json"));
        AssertRefused(await CliRunner.RunAsync(null, "evaluate", "--model", "bike-demand", "--zip", spamZip, "--data", bikeData), $"{spamZip} is not a bike-demand model");
        AssertRefused(await CliRunner.RunAsync(null, "evaluate", "--model", "sms-spam", "--zip", bikeZip, "--data", spamData), $"{bikeZip} is not a sms-spam model");

        // No rows to score is not a score of NaN.
        var empty = Directory.CreateDirectory(Path.Combine(_work, "empty")).FullName;
        AssertRefused(await CliRunner.RunAsync(null, "evaluate", "--model", "bike-demand", "--zip", bikeZip, "--data", empty), $"no drops found in {empty}");
    }

    [Fact]
    public async Task Stderr_that_is_not_a_terminal_is_not_wrapped()
    {
        var output = Path.Combine(_work, new string('d', 60), new string('e', 60));

        var result = await CliRunner.RunAsync(null, "data", "generate", "-o", output, "--days", "1");

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains($"to {output} (seed 42).", result.StdErr, StringComparison.Ordinal);
    }

    private async Task<string> GenerateAsync(int days)
    {
        var data = Path.Combine(_work, "days");
        var generate = await CliRunner.RunAsync(null, "data", "generate", "-o", data, "--days", days.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(generate.ExitCode == 0, generate.StdErr);
        return data;
    }

    internal static void AssertRefused((int ExitCode, string StdOut, string StdErr) result, string expected)
    {
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}, expected 2: {result.StdErr}");
        Assert.Contains(expected, result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr + result.StdOut, StringComparison.Ordinal);
        Assert.Single(result.StdErr.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
