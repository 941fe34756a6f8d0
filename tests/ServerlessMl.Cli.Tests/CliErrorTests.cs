using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ServerlessMl.Registry;
using ServerlessMl.Testing;

namespace ServerlessMl.Cli.Tests;

/// <summary>
/// Ordinary mistakes through the real `serverless-ml` process: each gets a short message that
/// says what to do and the documented exit code (1 the job failed or storage could not be
/// reached, 2 a usage or data error), never a stack trace.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CliErrorTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("serverless-ml-cli-errors-").FullName;
    private readonly TestApp _app = TestApp.Create(azurite);

    [Fact]
    public async Task Storage_that_nothing_answers_is_exit_1_with_what_to_check()
    {
        var nowhere = azurite.ConnectionString.Replace($":{azurite.Port}/", $":{AzuriteFixture.FreePort()}/", StringComparison.Ordinal);

        var result = await CliRunner.RunAsync(new Dictionary<string, string> { ["ModelStorage"] = nowhere }, "models", "list", "--model", "bike-demand");

        AssertShortError(result, 1, "model storage is unreachable");
        Assert.Contains("scripts/azurite.sh start", result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("models|list|--model|bike-demand|--connection|garbage", "'ModelStorage' is not a valid storage connection string")]
    [InlineData("train|--model|nope", "Unknown model 'nope'. Known: bike-demand, sms-spam")]
    [InlineData("train", "Name the model with --model: bike-demand, sms-spam")]
    [InlineData("models|show", "Name the model with --model: bike-demand, sms-spam")]
    [InlineData("evaluate|--zip|model.zip|--data|days", "Name the model with --model: bike-demand, sms-spam")]
    [InlineData("models|list|--model|nope", "Unknown model 'nope'")]
    public async Task Usage_errors_are_exit_2(string args, string expected)
    {
        var result = await CliRunner.RunAsync(Env(), args.Split('|'));

        AssertShortError(result, 2, expected);
    }

    [Fact]
    public async Task Evaluate_given_a_manifest_instead_of_a_zip_is_exit_2()
    {
        var data = Path.Combine(_work, "days");
        await CliRunner.RunAsync(null, "data", "generate", "-o", data, "--days", "3");
        var manifest = Path.Combine(_work, "model.manifest.json");
        await File.WriteAllTextAsync(manifest, """{"model":"bike-demand"}""");

        var result = await CliRunner.RunAsync(null, "evaluate", "--model", "bike-demand", "--zip", manifest, "--data", data);

        AssertShortError(result, 2, "is not a model.zip");
    }

    [Theory]
    [InlineData("Serving__MaxBatch", "0", "Setting 'Serving__MaxBatch' is 0")]
    [InlineData("Serving__ModelRefreshSeconds", "abc", "Setting 'Serving__ModelRefreshSeconds' has a value of the wrong type")]
    [InlineData("ModelStorage__TimeoutSeconds", "0", "ModelStorage__TimeoutSeconds")]
    [InlineData("RetrainSchedule", "* * *", "Setting 'RetrainSchedule' must be an NCRONTAB expression with 6 fields")]
    [InlineData("Models__sms_spam__MaxTextLength", "5000", "Setting 'Models__sms_spam__MaxTextLength' is 5000: above the 2,000 characters")]
    [InlineData("Models__bike_demand__MaxTextLength", "50", "Setting 'Models__bike_demand__MaxTextLength' cannot take effect")]
    public async Task Serve_with_a_wrong_setting_is_exit_2_naming_it(string setting, string value, string expected)
    {
        var env = Env();
        env[setting] = value;

        var result = await CliRunner.RunAsync(env, "serve", "--port", AzuriteFixture.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));

        AssertShortError(result, 2, expected);
    }

    [Fact]
    public async Task Serve_on_a_port_in_use_is_exit_2()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = await CliRunner.RunAsync(Env(), "serve", "--port", port);

        AssertShortError(result, 2, "Cannot listen on http://127.0.0.1:" + port);
    }

    [Fact]
    public async Task Serve_on_an_address_this_machine_does_not_have_is_exit_2_naming_it()
    {
        // TEST-NET-1: never assigned to a local interface, so the bind fails without sending anything.
        var port = AzuriteFixture.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = await CliRunner.RunAsync(Env(), "serve", "--host", "192.0.2.1", "--port", port, "--api-key", "k1", "--admin-key", "k2");

        AssertShortError(result, 2, $"Cannot listen on http://192.0.2.1:{port}");
        Assert.Contains("--host", result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a host")]
    [InlineData("*")]
    [InlineData("+")]
    [InlineData("example.org")]
    public async Task Serve_on_a_host_that_is_not_an_address_is_exit_2_before_binding(string host)
    {
        // Kestrel takes a host it cannot parse as every interface: a typo would serve the network.
        var port = AzuriteFixture.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = await CliRunner.RunAsync(Env(), "serve", "--host", host, "--port", port, "--api-key", "k1", "--admin-key", "k2");

        AssertShortError(result, 2, "--host must be an IP address or localhost");
    }

    [Theory]
    [InlineData("--api-key", "--admin-key")]
    [InlineData("--admin-key", "--api-key")]
    public async Task Serve_off_loopback_needs_both_keys_and_names_the_missing_one(string given, string missing)
    {
        var port = AzuriteFixture.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = await CliRunner.RunAsync(Env(), "serve", "--host", "0.0.0.0", "--port", port, given, "k1");

        AssertShortError(result, 2, $"Refusing to serve on 0.0.0.0 without {missing}");
    }

    [Fact]
    public async Task Upload_of_an_empty_folder_is_exit_2()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_work, "empty")).FullName;

        var result = await CliRunner.RunAsync(Env(), "data", "upload", "--model", "bike-demand", "--source", empty);

        AssertShortError(result, 2, $"no drops found in {empty}");
    }

    [Fact]
    public async Task Report_to_an_unwritable_folder_is_refused_before_any_work()
    {
        var file = Path.Combine(_work, "a-file");
        await File.WriteAllTextAsync(file, "x");
        var output = Path.Combine(file, "report");

        var result = await CliRunner.RunAsync(Env(), "models", "report", "--model", "bike-demand", "--output", output);

        AssertShortError(result, 2, $"--output: cannot write {output}");
    }

    [Fact]
    public async Task Version_prints_the_version()
    {
        var result = await CliRunner.RunAsync(null, "--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", result.StdOut.Trim());
    }

    [Fact]
    public async Task Data_upload_refuses_rows_dated_in_the_future_naming_file_and_row_and_uploads_nothing()
    {
        var data = Path.Combine(_work, "days");
        await CliRunner.RunAsync(null, "data", "generate", "-o", data, "--days", "1");
        var day = await File.ReadAllLinesAsync(Path.Combine(data, "2011-01-01.csv"));
        var hour = Path.Combine(_work, "hour.csv");
        await File.WriteAllLinesAsync(hour, [.. day, .. day.Skip(1).Select(l => l.Replace("2011-01-01", "2099-06-01", StringComparison.Ordinal))]);

        var result = await CliRunner.RunAsync(Env(), "data", "upload", "--model", "bike-demand", "--source", hour);

        AssertShortError(result, 2, "hour.csv#2099-06-01, row 1: date 2099-06-01 is in the future");
        Assert.False(await TrainingContainer().ExistsAsync()); // not even the good day went up
    }

    [Theory]
    [InlineData(new byte[] { 0xFF }, "bad.tsv, row 2: invalid UTF-8 on line 2, byte 10 (0xFF)")]
    [InlineData(new byte[] { 0x00 }, "bad.tsv, row 2: a NUL byte on line 2, byte 10")]
    public async Task Data_upload_refuses_a_text_drop_that_is_not_UTF_8_naming_file_row_and_line(byte[] bad, string expected)
    {
        var file = Path.Combine(_work, "bad.tsv");
        await File.WriteAllBytesAsync(file, [.. "ham\thello\nspam\tWIN "u8, .. bad, .. " cash\n"u8]);

        var result = await CliRunner.RunAsync(Env(), "data", "upload", "--model", "sms-spam", "--source", file, "--day", "2026-01-05");

        AssertShortError(result, 2, expected);
        Assert.False(await TrainingContainer().ExistsAsync());
    }

    [Fact]
    public async Task Data_upload_refuses_a_drop_day_in_the_future()
    {
        var file = Path.Combine(_work, "spam.tsv");
        await File.WriteAllTextAsync(file, "ham\thello\n");

        var result = await CliRunner.RunAsync(Env(), "data", "upload", "--model", "sms-spam", "--source", file, "--day", "2099-06-01");

        AssertShortError(result, 2, "spam.tsv: the drop's day 2099-06-01 is in the future");
        Assert.False(await TrainingContainer().ExistsAsync());
    }

    [Fact]
    public async Task Registry_mistakes_promote_refusal_bad_data_and_storage_lost_during_train()
    {
        var env = Env();
        var data = Path.Combine(_work, "days");
        await CliRunner.RunAsync(null, "data", "generate", "-o", data, "--days", "22");
        Assert.Equal(0, (await CliRunner.RunAsync(env, "data", "upload", "--model", "bike-demand", "--source", data)).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync(env, "train", "--model", "bike-demand")).ExitCode);
        await CliRunner.RunAsync(null, "data", "generate", "-o", data, "--days", "23");
        Assert.Equal(0, (await CliRunner.RunAsync(env, "data", "upload", "--model", "bike-demand", "--source", data)).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync(env, "train", "--model", "bike-demand")).ExitCode); // 0001 and 0002, 0002 champion
        var registry = _app.Get<ModelRegistry>();
        var models = registry.Container;

        // Promote refuses a version that cannot serve; --force moves it and says so.
        await RegistryDamage.ApplyAsync(models, "bike-demand", "0001", RegistryDamage.HashMismatch);
        var refused = await CliRunner.RunAsync(env, "models", "promote", "--model", "bike-demand", "--version", "0001");
        AssertShortError(refused, 2, "Version 0001 cannot serve: its model.zip has sha256");
        Assert.Contains("--force", refused.StdErr, StringComparison.Ordinal);
        Assert.Equal("0002", await ChampionAsync());
        var forced = await CliRunner.RunAsync(env, "models", "promote", "--model", "bike-demand", "--version", "0001", "--force");
        Assert.True(forced.ExitCode == 0, forced.StdErr);
        Assert.Contains("forced", forced.StdErr, StringComparison.Ordinal);
        Assert.True(JsonDocument.Parse(forced.StdOut).RootElement.GetProperty("forced").GetBoolean());
        Assert.Equal("0001", await ChampionAsync());
        Assert.Equal(0, (await CliRunner.RunAsync(env, "models", "promote", "--model", "bike-demand", "--version", "0002")).ExitCode);

        // With the alias deleted, show gives the right remedy.
        await models.GetBlobClient(ModelRegistry.ChampionBlobName("bike-demand")).DeleteAsync();
        var show = await CliRunner.RunAsync(env, "models", "show", "--model", "bike-demand");
        AssertShortError(show, 2, "version 0002 passed the gate: promote it with serverless-ml models promote --model bike-demand --version 0002");
        Assert.Equal(0, (await CliRunner.RunAsync(env, "models", "promote", "--model", "bike-demand", "--version", "0002")).ExitCode);

        // A bad drop is a data error: exit 2 naming blob and row; nothing moves.
        var training = _app.Get<Training.TrainingDataSource>().Container;
        await training.GetBlobClient("bike-demand/2011/01/24.csv").UploadAsync(BinaryData.FromString(File.ReadAllLines(Path.Combine(data, "2011-01-23.csv"))[0] + "\n1,2011-01-24,1,0,1,0,0,1,1,1,0.2,0.2,0.5,0.1,1,2,99\n"));
        var bad = await CliRunner.RunAsync(env, "train", "--model", "bike-demand");
        Assert.True(bad.ExitCode == 2, bad.StdErr);
        Assert.Contains("bike-demand/2011/01/24.csv, row 1", bad.StdErr, StringComparison.Ordinal);
        Assert.Equal("0002", await ChampionAsync());
        await training.GetBlobClient("bike-demand/2011/01/24.csv").DeleteAsync();

        // Storage lost while train runs: exit 1, a clear message, the champion unchanged.
        await CliRunner.RunAsync(null, "data", "generate", "-o", data, "--days", "24");
        Assert.Equal(0, (await CliRunner.RunAsync(env, "data", "upload", "--model", "bike-demand", "--source", data)).ExitCode);
        await using var proxy = new StorageProxy(azurite.Port);
        var viaProxy = new Dictionary<string, string>(env) { ["ModelStorage"] = proxy.ConnectionString(azurite) };
        var lockBlob = models.GetBlobClient("bike-demand/retrain.lock");
        var etagBefore = (await lockBlob.GetPropertiesAsync()).Value.ETag;
        var train = CliRunner.RunAsync(viaProxy, "train", "--model", "bike-demand");
        // The lease stamp changes the lock blob: the run is under way.
        await Eventually.HoldsAsync(async () => train.IsCompleted || (await lockBlob.GetPropertiesAsync()).Value.ETag != etagBefore);

        Assert.False(train.IsCompleted, "train ended before the outage could be staged");
        Assert.NotEqual(etagBefore, (await lockBlob.GetPropertiesAsync()).Value.ETag);
        proxy.Mode = ProxyMode.Refuse;
        var lost = await train;
        AssertShortError(lost, 1, "model storage is unreachable while the run was at step");
        Assert.Equal("0002", await ChampionAsync());
    }

    private Azure.Storage.Blobs.BlobContainerClient TrainingContainer() =>
        azurite.CreateClient().GetBlobContainerClient(_app.TrainingContainer);

    private async Task<string?> ChampionAsync() =>
        (await _app.Get<ModelRegistry>().GetChampionAsync("bike-demand", default))?.Alias.Version;

    private Dictionary<string, string> Env() => new()
    {
        ["ModelStorage"] = azurite.ConnectionString,
        ["ModelStorage__TrainingContainer"] = _app.TrainingContainer,
        ["ModelStorage__ModelsContainer"] = _app.ModelsContainer,
        ["Training__HoldoutDays"] = "7",
        ["Training__MinTrainingDays"] = "14",
        ["Models__bike-demand__Gate__Floor"] = "-1",
        ["Models__bike-demand__Gate__MaxRegression"] = "10",
    };

    private static void AssertShortError((int ExitCode, string StdOut, string StdErr) result, int exitCode, string expected) =>
        CliAssert.ShortError(result, exitCode, expected);

    public void Dispose()
    {
        _app.Dispose();
        Directory.Delete(_work, recursive: true);
    }
}
