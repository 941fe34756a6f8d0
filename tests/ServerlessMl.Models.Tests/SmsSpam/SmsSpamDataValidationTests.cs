using Microsoft.ML;
using ServerlessMl.Models.SmsSpam;
using ServerlessMl.Training;

namespace ServerlessMl.Models.Tests.SmsSpam;

/// <summary>A bad line in a drop fails the retrain naming the blob and the row, as for every model.</summary>
public sealed class SmsSpamDataValidationTests : IDisposable
{
    private readonly string _path = Path.GetTempFileName();

    [Theory]
    [InlineData("ham\thello\nspam\tWIN now\nmaybe\tsomething\n", 3, "the label must be ham or spam, got 'maybe'")]
    [InlineData("ham\thello\nham\t\n", 2, "the text is empty")]
    [InlineData("ham\thello\tthere\n", 1, "more than 2 tab-separated fields")]
    [InlineData("Spam\thello\n", 1, "the label must be ham or spam, got 'Spam'")]
    public void A_bad_line_is_refused_with_its_row(string content, long row, string message)
    {
        File.WriteAllText(_path, content);

        var error = Assert.Throws<DataValidationException>(() => new SmsSpamModel().ValidateFile(new MLContext(), _path, "sms-spam/2026/01/02.tsv", new DateOnly(2026, 1, 2)));

        Assert.Equal("sms-spam/2026/01/02.tsv", error.BlobName);
        Assert.Equal(row, error.Row);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quotes_and_punctuation_in_a_message_are_text()
    {
        File.WriteAllText(_path, "ham\tShe said \"ok, fine\" and left...\nspam\t\"FREE\" ringtone! reply YES\n");

        Assert.Equal(2, new SmsSpamModel().ValidateFile(new MLContext(), _path, "sms-spam/2026/01/02.tsv", new DateOnly(2026, 1, 2)));
    }

    public void Dispose() => File.Delete(_path);
}
