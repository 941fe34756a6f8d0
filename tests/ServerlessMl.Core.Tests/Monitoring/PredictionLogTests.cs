using System.Globalization;
using System.Text.Json.Nodes;
using ServerlessMl.Definitions;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Monitoring;
using ServerlessMl.Testing;

namespace ServerlessMl.Core.Tests.Monitoring;

/// <summary>The prediction log on a real Azurite: what a served prediction leaves behind, and what sampling writes.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class PredictionLogTests(AzuriteFixture azurite) : IDisposable
{
    internal const string Valid = """{"timestamp":"2011-01-24T08:00:00","weather":1,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}""";
    private readonly SampleData _data = new(days: 21);

    [Fact]
    public async Task Each_served_item_is_one_line_with_its_request_id_version_features_truth_key_score_and_answer()
    {
        using var log = LogHarness.Create(azurite, ChampionSetup.LenientGate(new() { ["Monitoring:SampleRate"] = "1" }));
        using var telemetry = new TelemetryRecorder(log.App.Get<System.Diagnostics.Metrics.IMeterFactory>());
        await ChampionSetup.TrainVersionsAsync(log.App, _data, 1);
        var evening = Valid.Replace("T08:", "T18:", StringComparison.Ordinal);

        var (status, batch, batchId) = await log.PredictAsync(ChampionSetup.Model, $"[{Valid},{evening}]", "caller-7:a.b_c");
        Assert.Equal(200, status);
        (status, var single, var singleId) = await log.PredictAsync(ChampionSetup.Model, Valid);
        Assert.Equal(200, status);
        await log.FlushAsync();

        var lines = await log.ReadAsync();
        Assert.Equal(3, lines.Count);
        Assert.Equal("caller-7:a.b_c", batchId);
        Assert.Matches("^[0-9a-f]{32}$", singleId);
        var instance = LogBlobNames.Instance(Environment.GetEnvironmentVariable("WEBSITE_INSTANCE_ID"));
        Assert.All(lines, l => Assert.Matches($"^bike-demand/\\d{{4}}/\\d{{2}}/\\d{{2}}/\\d{{2}}/{instance}\\.jsonl$", l.Blob));
        var byId = lines.Select(l => l.Line).OrderBy(l => (string)l["requestId"]!, StringComparer.Ordinal).ThenBy(l => (int)l["item"]!).ToArray();
        var served = batch.GetProperty("predictions").EnumerateArray().Select(p => p.GetDouble()).Append(single.GetProperty("prediction").GetDouble()).ToArray();
        string[] ids = [batchId!, batchId!, singleId!];
        int[] items = [0, 1, 0];
        var order = ids.Zip(items, served).OrderBy(t => t.First, StringComparer.Ordinal).ThenBy(t => t.Second).ToArray();
        for (var i = 0; i < 3; i++)
        {
            var line = byId[i];
            Assert.Equal(order[i].First, (string?)line["requestId"]);
            Assert.Equal(order[i].Second, (int)line["item"]!);
            Assert.Equal("0001", (string?)line["version"]);
            Assert.Equal(order[i].Third, (double)line["score"]!, 1e-9);
            Assert.Equal(order[i].Third, (double)line["answer"]!, 1e-9);
            Assert.NotNull((string?)line["truthKey"]);
            Assert.Null(line["challenger"]);
            Assert.Equal(FeatureMeasures<BikeFeatures>.Instance.Names.Order(StringComparer.Ordinal), line["features"]!.AsObject().Select(f => f.Key).Order(StringComparer.Ordinal));
            Assert.InRange(DateTimeOffset.Parse((string)line["time"]!, CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow);
        }

        // The batch's two items are two hours of the same day: their features and truth keys differ.
        Assert.NotEqual(byId.First(l => (string?)l["requestId"] == batchId && (int)l["item"]! == 1)["truthKey"]!.ToString(), byId.First(l => (string?)l["requestId"] == batchId)["truthKey"]!.ToString());
        Assert.Equal(3, telemetry.Of("serverlessml.log.items", ("serverlessml.model", "bike-demand")).Sum(m => m.Value));
        Assert.Contains(telemetry.SpansNamed("predict"), s => (string?)s.GetTagItem("serverlessml.request_id") == batchId);
    }

    [Fact]
    public async Task Text_is_logged_as_sent_hashed_or_not_at_all_per_the_models_input_setting_with_its_length_kept_for_drift()
    {
        const string Message = "URGENT! claim your free holiday now";
        var suffix = Guid.NewGuid().ToString("N")[..12];
        using (var trainer = LogHarness.Create(azurite, [], suffix, m => m.AddModel<Models.SmsSpam.SmsSpamModel>()))
        {
            await SpamSetup.TrainAsync(trainer.App);
        }

        var seen = new Dictionary<LoggedInput, JsonNode?>();
        foreach (var mode in Enum.GetValues<LoggedInput>())
        {
            using var log = LogHarness.Create(
                azurite,
                new() { ["Monitoring:SampleRate"] = "1", ["Models:sms-spam:Log:Input"] = mode.ToString() },
                suffix,
                m => m.AddModel<Models.SmsSpam.SmsSpamModel>());
            var (status, body, _) = await log.PredictAsync(SpamSetup.Model, $$"""{"text":"{{Message}}"}""");
            Assert.Equal(200, status);
            await log.FlushAsync();
            var line = Assert.Single(await log.ReadAsync()).Line;
            Assert.Equal(Message.Length, (double)line["features"]!["Text.length"]!);
            Assert.Equal(body.GetProperty("probability").GetDouble(), (double)line["score"]!, 1e-9);
            Assert.Equal(body.GetProperty("label").GetString(), (string?)line["answer"]!["label"]);
            seen[mode] = line["input"];
        }

        Assert.Equal(Message, (string?)seen[LoggedInput.Text]!["text"]);
        Assert.Equal(LoggedInputRecorder<Models.SmsSpam.SmsSpamRequest>.Hash(Message), (string?)seen[LoggedInput.Hash]!["text"]);
        Assert.Matches("^sha256-[0-9a-f]{32}$", (string?)seen[LoggedInput.Hash]!["text"]);
        Assert.DoesNotContain("URGENT", seen[LoggedInput.Hash]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Null(seen[LoggedInput.None]);
    }

    [Fact]
    public async Task Rate_zero_writes_nothing_and_half_logs_about_half_of_the_requests_each_with_all_its_items()
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        using (var off = LogHarness.Create(azurite, ChampionSetup.LenientGate(new() { ["Monitoring:SampleRate"] = "0" }), suffix))
        {
            using var telemetry = new TelemetryRecorder(off.App.Get<System.Diagnostics.Metrics.IMeterFactory>());
            await ChampionSetup.TrainVersionsAsync(off.App, _data, 1);
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal(200, (await off.PredictAsync(ChampionSetup.Model, Valid)).Status);
            }

            await off.FlushAsync();
            Assert.Empty(await off.ReadAsync());
            Assert.Equal(0, off.App.Get<PredictionLogQueue>().Items);
            Assert.DoesNotContain(telemetry.Measurements, m => m.Instrument.StartsWith("serverlessml.log.", StringComparison.Ordinal));
        }

        using var half = LogHarness.Create(azurite, new() { ["Models:bike-demand:Log:SampleRate"] = "0.5" }, suffix);
        const int Requests = 200;
        for (var i = 0; i < Requests; i++)
        {
            Assert.Equal(200, (await half.PredictAsync(ChampionSetup.Model, $"[{Valid},{Valid}]")).Status);
        }

        await half.FlushAsync();
        var lines = await half.ReadAsync();
        var requests = lines.GroupBy(l => (string)l.Line["requestId"]!).ToArray();
        // Binomial(200, 0.5): 100 ± 7; this range is more than five deviations either way.
        Assert.InRange(requests.Length, 60, 140);
        Assert.All(requests, r => Assert.Equal([0, 1], r.Select(l => (int)l.Line["item"]!).Order()));
    }

    public void Dispose() => _data.Dispose();
}
