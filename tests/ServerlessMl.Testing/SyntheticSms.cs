using System.Text;

namespace ServerlessMl.Testing;

/// <summary>
/// Made-up labelled messages in the SMS Spam Collection's layout (<c>ham|spam&lt;TAB&gt;text</c>):
/// enough for tests to train and serve the spam model without ../shared's data.
/// </summary>
public static class SyntheticSms
{
    private static readonly string[] HamOpenings = ["are we still on for", "can you pick up", "running late for", "see you at", "thanks for", "don't forget", "what time is", "call me after"];
    private static readonly string[] HamThings = ["lunch tomorrow", "the kids", "dinner tonight", "the meeting", "mum's birthday", "the game", "class", "the train"];
    private static readonly string[] SpamOpenings = ["WINNER!! you have won", "URGENT! claim your", "FREE entry to win", "Congratulations, you are selected for", "Txt STOP to end your"];
    private static readonly string[] SpamPrizes = ["a £1000 cash prize", "a free holiday", "a new mobile phone", "£500 of vouchers", "a guaranteed reward"];

    /// <summary>Writes <paramref name="count"/> messages (about one in five spam) to <paramref name="path"/>.</summary>
    public static void Write(string path, int count, int seed = 1)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            if (random.Next(5) == 0)
            {
                text.Append("spam\t").Append(Pick(random, SpamOpenings)).Append(' ').Append(Pick(random, SpamPrizes))
                    .Append(". Call 0906").Append(random.Next(1_000_000, 9_999_999)).Append(" now, T&Cs apply ").Append(i).Append('\n');
            }
            else
            {
                text.Append("ham\t").Append(Pick(random, HamOpenings)).Append(' ').Append(Pick(random, HamThings))
                    .Append(random.Next(2) == 0 ? "?" : " x").Append(' ').Append(i).Append('\n');
            }
        }

        File.WriteAllText(path, text.ToString());
    }

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];
}
