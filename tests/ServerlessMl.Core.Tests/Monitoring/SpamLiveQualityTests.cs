using System.Text.Json.Nodes;
using ServerlessMl.Models.SmsSpam;
using ServerlessMl.Monitoring;
using ServerlessMl.Testing;
using ServerlessMl.Training;

namespace ServerlessMl.Core.Tests.Monitoring;

/// <summary>The live quality job on the spam model: truth by feedback, and the unseen-token share of logged text.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SpamLiveQualityTests(AzuriteFixture azurite) : IDisposable
{
    private const string Spam = SmsSpamModel.ModelName;

    private static readonly string[] Foreign =
    [
        "Hallo Schatz, kommst du heute Abend zum Essen vorbei? Ich koche Spätzle mit Pilzen.",
        "Bitte vergiss nicht, die Blumen zu gießen, bevor du morgen früh zur Arbeit fährst.",
        "Herzlichen Glückwunsch zum Geburtstag! Wir feiern am Samstag bei Oma im Garten.",
        "Der Zug hat wieder Verspätung, ich bin wahrscheinlich erst gegen neun Uhr zuhause.",
    ];

    private readonly List<IDisposable> _owned = [];

    [Fact]
    public async Task Feedback_matches_request_ids_unknown_ids_are_counted_and_ignored_and_a_repeat_keeps_the_last()
    {
        var setup = await SpamSetupAsync();
        var day = LiveSetup.Today;
        await setup.WriteLogAsync(Spam, day, Enumerable.Range(0, 6).Select(i => Message($"m{i}", day, Known(i), spamScore: i < 3 ? 0.9 : 0.1)));
        await setup.WriteFeedbackAsync(Spam, day,
        [
            .. Enumerable.Range(0, 6).Select(i => new FeedbackRecord($"m{i}", 0, LiveSetup.Noon(day).AddMinutes(i + 1), i < 3 ? 1 : 0, i < 3 ? "spam" : "ham")),
            new FeedbackRecord("never-logged", 0, LiveSetup.Noon(day), 1, "spam"),
            new FeedbackRecord("m1", 1, LiveSetup.Noon(day), 1, "spam"),

            // m0 first said ham, later spam: the later one counts.
            new FeedbackRecord("m0", 0, LiveSetup.Noon(day).AddMinutes(-30), 0, "ham"),
        ]);

        var written = Assert.Single((await setup.Job.RunAsync(Spam, "test", 1, default)).Days);

        Assert.Equal(new FeedbackCounts(Received: 9, Matched: 6, UnknownIds: 2, Repeated: 1), written.Feedback);
        var champion = Assert.Single(written.Versions);
        Assert.Equal((6L, 6L), (champion.Served, champion.WithTruth));
        Assert.Equal("auc", champion.PrimaryMetric);
        Assert.Equal(1.0, champion.Metrics["auc"], 9);
        Assert.Equal(1.0, champion.Metrics["accuracy"], 9);
    }

    [Fact]
    public async Task Foreign_language_text_has_a_share_of_unseen_tokens_over_the_threshold_and_text_like_the_training_texts_does_not()
    {
        var setup = await SpamSetupAsync();
        var home = LiveSetup.Today.AddDays(-1);
        var abroad = LiveSetup.Today;
        await setup.WriteLogAsync(Spam, home, Enumerable.Range(0, 40).Select(i => Message($"h{i}", home, Known(i), 0.1)));
        await setup.WriteLogAsync(Spam, abroad, Enumerable.Range(0, 40).Select(i => Message($"a{i}", abroad, Foreign[i % Foreign.Length], 0.1)));

        var run = await setup.Job.RunAsync(Spam, "test", 2, default);

        var usual = run.Days.Single(d => d.Day == home).Drift!.Features.Single(f => f.Measure == DriftCalculator.UnseenTokens);
        var foreign = run.Days.Single(d => d.Day == abroad).Drift!.Features.Single(f => f.Measure == DriftCalculator.UnseenTokens);
        Assert.Equal("Text", usual.Feature);
        Assert.False(usual.Drifted, $"share {usual.Value}");
        Assert.True(foreign.Drifted, $"share {foreign.Value}");
    }

    private static string Known(int i) => SyntheticSmsData.Message(new Random(100 + i), i).Text;

    private static LoggedPrediction Message(string id, DateOnly day, string text, double spamScore) =>
        LiveSetup.Line(id, day, spamScore, new Dictionary<string, double> { ["Text.length"] = text.Length }, input: new JsonObject { ["text"] = text });

    private async Task<LiveSetup> SpamSetupAsync()
    {
        var settings = new Dictionary<string, string?> { ["Models:sms-spam:Gate:Floor"] = "0", ["Models:sms-spam:Gate:MaxRegression"] = "10" };
        var trained = TestApp.Create(azurite, settings, models: m => m.AddModel<SmsSpamModel>());
        _owned.Add(trained);
        var folder = Directory.CreateTempSubdirectory("serverless-ml-tests-");
        var path = Path.Combine(folder.FullName, "messages.tsv");
        SyntheticSms.Write(path, 600);
        await trained.Get<TrainingDataUploader>().UploadAsync(Spam, [new DataFile("messages.tsv", "local", LiveSetup.Today.AddDays(-10), path)], false, null, default);
        folder.Delete(recursive: true);
        var outcome = await trained.Get<RetrainJob>().RunAsync(Spam, "test setup", default);
        Assert.True(outcome.Status == RetrainStatus.Promoted, string.Join("; ", outcome.Reasons));
        var setup = LiveSetup.On(azurite, trained, new() { ["Monitoring:MinRows"] = "5", ["Models:sms-spam:Log:Input"] = "Text" }, spam: true);
        _owned.Add(setup);
        return setup;
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }
}
