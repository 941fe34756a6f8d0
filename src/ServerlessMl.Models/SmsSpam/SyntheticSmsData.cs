using System.Globalization;
using System.Text;

namespace ServerlessMl.Models.SmsSpam;

/// <summary>
/// Made-up messages in the style of the SMS Spam Collection, about one in five spam, for demos,
/// tests and benchmarks that must not depend on the real collection. Not real data.
/// </summary>
public static class SyntheticSmsData
{
    private static readonly string[] HamOpenings = ["are we still on for", "can you pick up", "running late for", "see you at", "thanks for", "don't forget", "what time is", "call me after"];
    private static readonly string[] HamThings = ["lunch tomorrow", "the kids", "dinner tonight", "the meeting", "mum's birthday", "the game", "class", "the train"];
    private static readonly string[] SpamOpenings = ["WINNER!! you have won", "URGENT! claim your", "FREE entry to win", "Congratulations, you are selected for", "Txt STOP to end your"];
    private static readonly string[] SpamPrizes = ["a £1000 cash prize", "a free holiday", "a new mobile phone", "£500 of vouchers", "a guaranteed reward"];

    /// <summary>The next message drawn from <paramref name="random"/>; <paramref name="index"/> ends it, so messages differ.</summary>
    public static (bool Spam, string Text) Message(Random random, int index)
    {
        ArgumentNullException.ThrowIfNull(random);
        return random.Next(5) == 0
            ? (true, string.Create(CultureInfo.InvariantCulture, $"{Pick(random, SpamOpenings)} {Pick(random, SpamPrizes)}. Call 0906{random.Next(1_000_000, 9_999_999)} now, T&Cs apply {index}"))
            : (false, string.Create(CultureInfo.InvariantCulture, $"{Pick(random, HamOpenings)} {Pick(random, HamThings)}{(random.Next(2) == 0 ? "?" : " x")} {index}"));
    }

    /// <summary>
    /// Writes a scoring drop to <paramref name="path"/>: <paramref name="count"/> lines of
    /// <c>id&lt;TAB&gt;text</c>, no header, the ids <c>msg-000001</c> on from <paramref name="firstId"/>.
    /// </summary>
    public static void WriteScoringDrop(string path, int count, int seed = 1, int firstId = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var random = new Random(seed);
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"msg-{firstId + i:D6}\t{Message(random, firstId + i).Text}\n");
        }

        File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
    }

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];
}
