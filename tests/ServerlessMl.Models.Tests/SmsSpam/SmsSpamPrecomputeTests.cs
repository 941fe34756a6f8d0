using ServerlessMl.Definitions;
using ServerlessMl.Models.SmsSpam;

namespace ServerlessMl.Models.Tests.SmsSpam;

/// <summary>A scoring drop's messages are checked as training messages are, and keyed by their id or their text.</summary>
public sealed class SmsSpamPrecomputeTests
{
    private static readonly SmsSpamModel Model = new();
    private static readonly IPrecomputed<SmsScoringRow, SmsFeatures> Precomputed = Model;

    [Fact]
    public void A_scoring_drop_is_tab_separated_without_a_header()
    {
        Assert.Equal("tsv", Model.ScoringFormat.Extension);
        Assert.Equal('\t', Model.ScoringFormat.Separator);
        Assert.Null(Model.ScoringFormat.Header);
    }

    [Theory]
    [InlineData("abc-1\thello", "abc-1")]
    [InlineData("  abc-1 \thello", "abc-1")] // tab-separated fields are read untrimmed; the key is trimmed
    [InlineData("order 2026-01-02.7\tURGENT! call now", "order 2026-01-02.7")]
    public void A_given_id_is_the_key(string line, string key)
    {
        var input = Input(line);

        Assert.Null(Model.CheckInput(input));
        Assert.Equal(key, Model.KeyOf(input));
        Assert.Null(Precomputed.DayOf(input));
    }

    [Theory]
    [InlineData("\thello")]
    [InlineData("   \thello")]
    public void Without_an_id_the_key_is_a_hash_of_the_utf8_text(string line)
    {
        var input = Input(line);

        Assert.Null(Model.CheckInput(input));
        Assert.Equal("sha256-2cf24dba5fb0a30e26e83b2ac5b9e29e", Model.KeyOf(input)); // SHA-256 of "hello"
    }

    [Fact]
    public void Equal_texts_have_equal_keys_in_any_drop_and_different_texts_different_keys()
    {
        var inputs = Rows("\tWIN a prize now\n\tgrüße 👋\n\tWIN a prize now\n\tWIN a prize now \n\twin a prize now\n");
        var keys = inputs.Select(Model.KeyOf).ToList();
        var again = Model.KeyOf(Input("\tgrüße 👋"));

        Assert.Equal(keys[0], keys[2]);
        Assert.Equal(keys[1], again);
        Assert.Equal(4, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.All(keys, key => Assert.Matches("^sha256-[0-9a-f]{32}$", key));
    }

    [Fact]
    public void An_id_of_the_longest_length_passes_and_one_longer_is_refused()
    {
        Assert.Null(Model.CheckInput(Input($"{new string('i', SmsSpamModel.MaxIdLength)}\thello")));
        Assert.Null(Model.CheckInput(Input($" {new string('i', SmsSpamModel.MaxIdLength)} \thello")));
        Assert.Equal("the id is 201 characters; the limit is 200", Model.CheckInput(Input($"{new string('i', 201)}\thello")));
    }

    [Theory]
    [InlineData("ab\u0007c\thello", "the id holds a control character (U+0007) at position 3")]
    [InlineData("\u001bid\thello", "the id holds a control character (U+001B) at position 1")]
    [InlineData("id\u0085\thello", "the id holds a control character (U+0085) at position 3")]
    public void An_id_holding_a_control_character_is_refused(string line, string expected)
    {
        Assert.Equal(expected, Model.CheckInput(Input(line)));
    }

    [Theory]
    [InlineData("", "the text is empty")]
    [InlineData("\u2003 \u2003", "the text is empty")] // spaces the loader keeps
    [InlineData("hello\tthere", "the row has more than 2 tab-separated fields")]
    public void A_bad_text_is_refused_with_the_words_the_training_check_uses(string text, string expected)
    {
        var training = TrainingProblem($"ham\t{text}\n");

        var problem = Model.CheckInput(Input($"id-1\t{text}"));

        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
        Assert.Equal(training!.Replace("(label, text)", "(id, text)", StringComparison.Ordinal), problem);
    }

    [Fact]
    public void A_text_past_the_training_limit_is_refused_as_in_training_and_one_at_it_passes()
    {
        var longest = new string('a', SmsSpamModel.MaxRowTextLength);
        var training = TrainingProblem($"ham\t{longest}a\n");

        var problem = Model.CheckInput(Input($"\t{longest}a"));

        Assert.Equal("the text is 10001 characters; the limit is 10000", problem);
        Assert.Equal(training, problem);
        Assert.Null(Model.CheckInput(Input($"\t{longest}")));
    }

    [Fact]
    public void A_message_is_featurized_as_a_request_with_the_same_text()
    {
        const string text = "URGENT! You have won a 1 week FREE membership  "; // as sent, trailing spaces and all

        Assert.Equivalent(Model.FromRequest(new SmsSpamRequest { Text = text }), Model.FromInput(Input($"id-1\t{text}")), strict: true);
        Assert.Equal(text, Model.FromInput(Input($"\t{text}")).Text);
    }

    [Fact]
    public void A_generated_scoring_drop_holds_the_messages_asked_for_with_ids_in_turn()
    {
        var path = Path.GetTempFileName();
        try
        {
            SyntheticSmsData.WriteScoringDrop(path, 40, seed: 3, firstId: 11);
            var inputs = Rows(File.ReadAllText(path));

            Assert.Equal(40, inputs.Count);
            Assert.All(inputs, input => Assert.Null(Model.CheckInput(input)));
            Assert.Equal(Enumerable.Range(11, 40).Select(i => $"msg-{i:D6}"), inputs.Select(Model.KeyOf));
            Assert.Contains(inputs, i => i.Text.Contains("T&Cs", StringComparison.Ordinal));
            Assert.Contains(inputs, i => !i.Text.Contains("T&Cs", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static List<SmsScoringRow> Rows(string text) => ScoringDrop.Read<SmsScoringRow>(Model.ScoringFormat, text);

    private static SmsScoringRow Input(string line) => Rows(line + "\n").Single();

    private static string? TrainingProblem(string text) =>
        ScoringDrop.TrainingProblem(Model, text, "sms-spam/2026/01/02.tsv", new DateOnly(2026, 1, 2));
}
