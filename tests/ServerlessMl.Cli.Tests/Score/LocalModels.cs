using ServerlessMl.Testing;

namespace ServerlessMl.Cli.Tests.Score;

/// <summary>A bike and a spam model.zip trained offline by the CLI, once for the tests that score with --zip.</summary>
public sealed class LocalModels : IAsyncLifetime
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("serverless-ml-cli-score-models-").FullName;

    public string Bike => Path.Combine(Folder, "bike", "model.zip");

    public string Spam => Path.Combine(Folder, "spam", "model.zip");

    public async Task InitializeAsync()
    {
        var days = Path.Combine(Folder, "days");
        await Expect(CliRunner.RunAsync(null, "data", "generate", "-o", days, "--days", "45", "--seed", "3"));
        await Expect(CliRunner.RunAsync(null, "train", "--model", "bike-demand", "--data", days, "--output", Bike, "--holdout-days", "7"));
        var messages = Path.Combine(Folder, "messages.tsv");
        SyntheticSms.Write(messages, 600);
        await Expect(CliRunner.RunAsync(null, "train", "--model", "sms-spam", "--data", messages, "--output", Spam));
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }

    private static async Task Expect(Task<(int ExitCode, string StdOut, string StdErr)> run)
    {
        var result = await run;
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"setup failed (exit {result.ExitCode}): {result.StdErr}");
        }
    }
}
