using ServerlessMl.Monitoring;
using ServerlessMl.Testing;
using Xunit.Abstractions;

namespace ServerlessMl.Core.Tests.Monitoring;

/// <summary>The drift measures on their own: PSI's bins and sums, tokens, and the unseen-token share on real messages.</summary>
public sealed class DriftMeasuresTests(ITestOutputHelper output)
{
    [Fact]
    public void Psi_is_zero_for_the_baseline_itself_and_grows_with_a_shift()
    {
        var baseline = Enumerable.Range(0, 1000).Select(i => (double)(i % 100)).ToList();
        var bins = Psi.BinsOf("x", baseline);

        Assert.Equal(Psi.Bins - 1, bins.Edges.Count);
        Assert.All(bins.Shares, s => Assert.Equal(0.1, s, 9));
        Assert.Equal(0, Psi.Of(bins, baseline), 9);
        var small = Psi.Of(bins, baseline.Select(v => v + 5));
        var large = Psi.Of(bins, baseline.Select(v => v + 50));
        Assert.InRange(small, 0.01, 0.25);
        Assert.True(large > 1, $"psi {large}");
    }

    [Fact]
    public void Psi_of_a_hand_computed_case_with_an_empty_bin_smoothed()
    {
        var bins = new MeasureBins("x", Categorical: true, [0, 1], [0.5, 0.5, 0]);

        // Shares 0.25, 0.75, 0 against 0.5, 0.5, 0 (both empty ends smoothed alike, so the last bin adds nothing).
        var expected = ((0.25 - 0.5) * Math.Log(0.25 / 0.5)) + ((0.75 - 0.5) * Math.Log(0.75 / 0.5));
        Assert.Equal(expected, Psi.Of(bins, [0, 1, 1, 1]), 9);

        // A value training never had lands in the extra bin: smoothed, but large.
        Assert.True(Psi.Of(bins, [2, 2, 2, 2]) > 5);
    }

    [Fact]
    public void A_measure_without_a_share_per_bin_has_no_psi_rather_than_an_error()
    {
        // Training never had a finite value of the measure; or a hand-edited cache lost a share.
        Assert.True(double.IsNaN(Psi.Of(Psi.BinsOf("x", [double.NaN, double.NaN]), [1, 2, 3])));
        Assert.True(double.IsNaN(Psi.Of(new MeasureBins("x", Categorical: false, [1, 2], [0.5, 0.5]), [1, 2, 3])));
    }

    [Fact]
    public void Lines_logged_as_hashes_are_not_read_as_text_once_the_model_keeps_text()
    {
        var baseline = new DriftBaseline("0001", 3, [], new Dictionary<string, IReadOnlyList<string>> { ["Text"] = ["free", "prize", "call"] });
        var settings = new ModelMonitoring(1, ServerlessMl.Definitions.LoggedInput.Text, 0.25, 0.25, 2, 2, null);
        var hashed = LoggedInputRecorder<object>.Hash("free prize call now");
        LoggedPrediction Line(string text) =>
            new("r", 0, DateTimeOffset.UnixEpoch, "0001", new System.Text.Json.Nodes.JsonObject { ["text"] = text }, new Dictionary<string, double>(), null, 0.5, null, null);

        var onlyHashes = new DriftCalculator(baseline, settings).Measure([Line(hashed), Line(hashed)]);
        var mixed = new DriftCalculator(baseline, settings).Measure([Line(hashed), Line("free prize"), Line("call")]);

        Assert.StartsWith("sha256-", hashed, StringComparison.Ordinal);
        Assert.Empty(onlyHashes.Features);
        Assert.Equal(0, Assert.Single(mixed.Features).Value);
    }

    [Fact]
    public void A_measure_with_few_values_gets_one_bin_per_value()
    {
        var bins = Psi.BinsOf("weather", [1, 1, 2, 3, 3, 3, 4, 1]);

        Assert.True(bins.Categorical);
        Assert.Equal([1.0, 2, 3, 4], bins.Edges);
        Assert.Equal([3 / 8.0, 1 / 8.0, 3 / 8.0, 1 / 8.0, 0], bins.Shares);
    }

    [Fact]
    public void Tokens_are_lowercased_and_split_on_anything_but_letters_and_digits()
    {
        Assert.Equal(["free", "entry", "2", "wkly", "comp", "über", "größe"], TextTokens.Of("FREE entry: 2 wkly-comp!! Über/Größe"));
        Assert.Equal(0.5, TextTokens.UnseenShare(["a b", "c d"], new HashSet<string> { "a", "c" }));
        Assert.True(double.IsNaN(TextTokens.UnseenShare(["", "!!"], new HashSet<string>())));
    }

    /// <summary>
    /// What the share of unseen tokens is on real messages: the vocabulary of a seeded 80 % of the
    /// collection's training file, the share on the other 20 %, overall and in the worst day-sized
    /// batch of 30 messages (the default Monitoring__MinRows). The default threshold must sit well above both.
    /// </summary>
    [SkippableFact]
    public void The_unseen_token_share_of_real_messages_is_well_under_the_default_threshold()
    {
        Skip.IfNot(File.Exists(RepoPaths.SmsSpamTrain), $"the SMS Spam Collection is not at {RepoPaths.SmsSpamTrain} (it lives in ../shared, outside the repository)");
        var texts = File.ReadLines(RepoPaths.SmsSpamTrain).Where(l => l.Contains('\t', StringComparison.Ordinal)).Select(l => l[(l.IndexOf('\t', StringComparison.Ordinal) + 1)..]).ToList();
        var threshold = new MonitoringOptions().UnseenTokenThreshold;
        var worstOverall = 0.0;
        var worstBatch = 0.0;
        foreach (var seed in new[] { 1, 2, 3, 4, 5 })
        {
            var shuffled = texts.OrderBy(_ => 0).ToList();
            new Random(seed).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(shuffled));
            var cut = shuffled.Count * 8 / 10;
            var vocabulary = shuffled.Take(cut).SelectMany(TextTokens.Of).ToHashSet(StringComparer.Ordinal);
            var rest = shuffled.Skip(cut).ToList();
            var overall = TextTokens.UnseenShare(rest, vocabulary);
            var batch = rest.Chunk(30).Where(c => c.Length == 30).Max(c => TextTokens.UnseenShare(c, vocabulary));
            output.WriteLine($"seed {seed}: {rest.Count} messages, unseen share {overall:F4}, worst batch of 30 {batch:F4}");
            worstOverall = Math.Max(worstOverall, overall);
            worstBatch = Math.Max(worstBatch, batch);
        }

        output.WriteLine($"worst overall {worstOverall:F4}, worst batch {worstBatch:F4}, threshold {threshold}");
        Assert.True(worstOverall * 2 < threshold, $"overall share {worstOverall:F4} is not under half the threshold {threshold}");
        Assert.True(worstBatch < threshold, $"a batch's share {worstBatch:F4} reaches the threshold {threshold}");
    }
}
