using System.Text;
using ServerlessMl.Models.SmsSpam;

namespace ServerlessMl.Testing;

/// <summary>
/// Made-up labelled messages in the SMS Spam Collection's layout (<c>ham|spam&lt;TAB&gt;text</c>):
/// enough for tests to train and serve the spam model without ../shared's data.
/// </summary>
public static class SyntheticSms
{
    /// <summary>Writes <paramref name="count"/> messages (about one in five spam) to <paramref name="path"/>.</summary>
    public static void Write(string path, int count, int seed = 1)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var (spam, message) = SyntheticSmsData.Message(random, i);
            text.Append(spam ? "spam\t" : "ham\t").Append(message).Append('\n');
        }

        File.WriteAllText(path, text.ToString());
    }
}
