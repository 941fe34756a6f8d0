using System.Text.Json.Nodes;
using ServerlessMl.Registry;
using ServerlessMl.Testing;

namespace ServerlessMl.Core.Tests.Monitoring;

/// <summary>The shadow challenger: its answers go to the log beside the champion's, never to the caller, and its failures touch neither.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ShadowChallengerTests(AzuriteFixture azurite) : IDisposable
{
    private const string Valid = PredictionLogTests.Valid;
    private readonly SampleData _data = new(days: 21);

    [Theory]
    [InlineData("1")]
    [InlineData("latest-rejected")]
    public async Task The_challengers_answer_is_logged_beside_the_champions_and_never_answered(string setting)
    {
        using var log = LogHarness.Create(azurite, ChampionSetup.LenientGate(new()
        {
            ["Monitoring:SampleRate"] = "1",
            ["Models:bike-demand:Challenger"] = setting,
        }));
        await ChampionSetup.TrainVersionsAsync(log.App, _data, 2);
        await MarkRejectedAsync(log.App, "0001");

        var line = await FirstShadowedLineAsync(log);

        Assert.Equal("0002", (string?)line["version"]);
        Assert.Equal("0001", (string?)line["challenger"]!["version"]);
        var shadow = (double)line["challenger"]!["score"]!;
        Assert.Equal(shadow, (double)line["challenger"]!["answer"]!, 1e-9);
        Assert.True(double.IsFinite(shadow) && shadow >= 0, $"challenger score {shadow}");

        // What the caller got: the champion's answer alone.
        var (status, body, _) = await log.PredictAsync(ChampionSetup.Model, Valid);
        Assert.Equal(200, status);
        Assert.Equal(["model", "prediction", "version"], body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("0002", body.GetProperty("version").GetString());
        Assert.DoesNotContain("challenger", body.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_challenger_equal_to_the_champion_is_skipped()
    {
        using var log = LogHarness.Create(azurite, ChampionSetup.LenientGate(new()
        {
            ["Monitoring:SampleRate"] = "1",
            ["Models:bike-demand:Challenger"] = "0001",
        }));
        await ChampionSetup.TrainVersionsAsync(log.App, _data, 1);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, (await log.PredictAsync(ChampionSetup.Model, Valid)).Status);
            await log.FlushAsync();
            await Task.Delay(100);
        }

        var lines = await log.ReadAsync();
        Assert.Equal(5, lines.Count);
        Assert.All(lines, l => Assert.Null(l.Line["challenger"]));
        Assert.Equal(0, log.Logs.Count(1111));
    }

    [Theory]
    [InlineData("7", null)]
    [InlineData("1", RegistryDamage.CorruptZip)]
    [InlineData("1", RegistryDamage.HashMismatch)]
    public async Task A_challenger_that_cannot_load_is_reported_once_and_leaves_predictions_and_the_log_intact(string setting, string? damage)
    {
        using var log = LogHarness.Create(azurite, ChampionSetup.LenientGate(new()
        {
            ["Monitoring:SampleRate"] = "1",
            ["Models:bike-demand:Challenger"] = setting,
        }));
        await ChampionSetup.TrainVersionsAsync(log.App, _data, 2);
        if (damage is not null)
        {
            await RegistryDamage.ApplyAsync(log.App.Get<ModelRegistry>().Container, ChampionSetup.Model, "0001", damage);
        }

        var requests = 0;
        var reported = await Eventually.HoldsAsync(async () =>
        {
            Assert.Equal(200, (await log.PredictAsync(ChampionSetup.Model, Valid)).Status);
            requests++;
            await log.FlushAsync();
            return log.Logs.Count(1111) > 0;
        });
        Assert.True(reported, "the challenger's failure was never reported");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("0002", (await log.PredictAsync(ChampionSetup.Model, Valid)).Body.GetProperty("version").GetString());
            requests++;
            await log.FlushAsync();
        }

        var lines = await log.ReadAsync();
        Assert.Equal(requests, lines.Count);
        Assert.All(lines, l => Assert.Null(l.Line["challenger"]));
        Assert.All(lines, l => Assert.Equal("0002", (string?)l.Line["version"]));
        Assert.Equal(1, log.Logs.Count(1111));
    }

    private static async Task<JsonObject> FirstShadowedLineAsync(LogHarness log)
    {
        JsonObject? shadowed = null;
        var found = await Eventually.HoldsAsync(async () =>
        {
            Assert.Equal(200, (await log.PredictAsync(ChampionSetup.Model, Valid)).Status);
            await log.FlushAsync();
            shadowed = (await log.ReadAsync()).Select(l => l.Line).FirstOrDefault(l => l["challenger"] is not null);
            return shadowed is not null;
        });
        Assert.True(found, "no logged line carried the challenger's answer");
        return shadowed!;
    }

    /// <summary>Rewrites a version's manifest as if the gate had refused it.</summary>
    private static async Task MarkRejectedAsync(TestApp app, string version)
    {
        var blob = app.Get<ModelRegistry>().Container.GetBlobClient(ModelRegistry.ManifestBlobName(ChampionSetup.Model, version));
        var manifest = (await blob.DownloadContentAsync()).Value.Content.ToObjectFromJson<ModelManifest>(RegistryJson.Options)!;
        var rejected = manifest with { Gate = manifest.Gate with { Passed = false } };
        await blob.UploadAsync(BinaryData.FromObjectAsJson(rejected, RegistryJson.Options), overwrite: true);
    }

    public void Dispose() => _data.Dispose();
}
