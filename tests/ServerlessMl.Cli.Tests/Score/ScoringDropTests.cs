using Azure.Storage.Blobs;
using ServerlessMl.Testing;

namespace ServerlessMl.Cli.Tests.Score;

/// <summary>
/// `data generate --scoring` and `data upload --scoring`: a synthetic drop written locally, then
/// stored on a real Azurite under the name the precompute job lists.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ScoringDropTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("serverless-ml-cli-drop-").FullName;

    [Fact]
    public async Task Generate_scoring_writes_a_bike_forecast_keyed_by_hour_from_the_first_hour()
    {
        var path = Path.Combine(_work, "new", "forecast.csv");
        var result = await CliRunner.RunAsync(null, "data", "generate", "--scoring", "--model", "bike-demand", "--from", "2011-05-02T05", "--hours", "30", "--output", path);

        Assert.True(result.ExitCode == 0, result.StdErr);
        var lines = File.ReadAllLines(path);
        Assert.Equal(31, lines.Length);
        Assert.StartsWith("instant,dteday,", lines[0], StringComparison.Ordinal);
        Assert.Equal(("2011-05-02", "5"), DayAndHour(lines[1]));
        Assert.Equal(("2011-05-03", "10"), DayAndHour(lines[^1]));
    }

    [Fact]
    public async Task Generate_scoring_writes_spam_messages_with_ids_from_msg_000001()
    {
        var path = Path.Combine(_work, "spam.tsv");
        var result = await CliRunner.RunAsync(null, "data", "generate", "--scoring", "--model", "sms-spam", "--count", "25", "--output", path);

        Assert.True(result.ExitCode == 0, result.StdErr);
        var lines = File.ReadAllLines(path);
        Assert.Equal(25, lines.Length);
        Assert.StartsWith("msg-000001\t", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("msg-000025\t", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_scoring_stores_the_file_as_a_named_drop_of_the_day_and_keeps_it_unless_told_to_overwrite()
    {
        var container = "drops-" + Guid.NewGuid().ToString("N")[..12];
        var env = new Dictionary<string, string>
        {
            ["ModelStorage"] = azurite.ConnectionString,
            ["Scoring__InputContainer"] = container,
        };
        var path = Path.Combine(_work, "spam.tsv");
        Assert.Equal(0, (await CliRunner.RunAsync(null, "data", "generate", "--scoring", "--model", "sms-spam", "--count", "5", "--output", path)).ExitCode);

        var upload = await CliRunner.RunAsync(env, "data", "upload", "--scoring", "--model", "sms-spam", "--source", path, "--day", "2011-05-03", "--name", "evening");
        Assert.True(upload.ExitCode == 0, upload.StdErr);
        Assert.Contains($"to {container}/sms-spam/2011/05/03-evening.tsv", upload.StdErr.ReplaceLineEndings(""), StringComparison.Ordinal);
        var blob = new BlobContainerClient(azurite.ConnectionString, container).GetBlobClient("sms-spam/2011/05/03-evening.tsv");
        Assert.Equal(File.ReadAllText(path), (await blob.DownloadContentAsync()).Value.Content.ToString());

        var again = await CliRunner.RunAsync(env, "data", "upload", "--scoring", "--model", "sms-spam", "--source", path, "--day", "2011-05-03", "--name", "evening");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already there", again.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("data|generate|--scoring|--model|bike-demand|--count|3|--output|f.csv", "--count is for sms-spam")]
    [InlineData("data|generate|--scoring|--model|bike-demand|--output|f.csv", "needs --from")]
    [InlineData("data|generate|--model|sms-spam|--count|3", "add --scoring")]
    [InlineData("data|upload|--scoring|--model|bike-demand|--name|a b", "--name 'a b' must be")]
    [InlineData("data|upload|--model|bike-demand|--name|evening", "--name names a scoring drop: add --scoring")]
    public async Task A_bad_scoring_flag_is_exit_2_naming_it(string args, string expected)
    {
        var result = await CliRunner.RunAsync(null, args.Split('|'));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.StdErr, StringComparison.Ordinal);
    }

    private static (string Day, string Hour) DayAndHour(string line) => (line.Split(',')[1], line.Split(',')[5]);

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
