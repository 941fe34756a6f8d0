using ServerlessMl.Definitions;
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

        var error = Assert.Throws<DataValidationException>(() => ((IModelDefinition)new SmsSpamModel()).ValidateFile(new MLContext(), _path, "sms-spam/2026/01/02.tsv", new DateOnly(2026, 1, 2), new DateOnly(2026, 1, 3)));

        Assert.Equal("sms-spam/2026/01/02.tsv", error.BlobName);
        Assert.Equal(row, error.Row);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF }, 2, "invalid UTF-8 on line 2, byte 10 (0xFF)")]
    [InlineData(new byte[] { 0xE2, 0x82 }, 2, "invalid UTF-8 on line 2, byte 10 (0xE2)")] // cut short
    [InlineData(new byte[] { 0xC0, 0xAF }, 2, "invalid UTF-8 on line 2, byte 10 (0xC0)")] // overlong
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, 2, "invalid UTF-8 on line 2, byte 10 (0xED)")] // a lone surrogate
    [InlineData(new byte[] { 0x00 }, 2, "a NUL byte on line 2, byte 10")]
    public void Bytes_that_are_not_UTF_8_text_are_refused_with_the_row_and_line(byte[] bad, long row, string message)
    {
        File.WriteAllBytes(_path, [.. "ham\thello\nspam\tWIN "u8, .. bad, .. " cash\nham\tok\n"u8]);

        var error = Assert.Throws<DataValidationException>(() => ((IModelDefinition)new SmsSpamModel()).ValidateFile(new MLContext(), _path, "sms-spam/2026/01/02.tsv", new DateOnly(2026, 1, 2), new DateOnly(2026, 1, 3)));

        Assert.Equal(row, error.Row);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_in_any_script_with_a_byte_order_mark_is_text()
    {
        File.WriteAllBytes(_path, [0xEF, 0xBB, 0xBF, .. "ham\tgrüße, 你好 👋\nspam\tПРИЗ! call now\n"u8]);

        Assert.Equal(2, ((IModelDefinition)new SmsSpamModel()).ValidateFile(new MLContext(), _path, "sms-spam/2026/01/02.tsv", new DateOnly(2026, 1, 2), new DateOnly(2026, 1, 3)).Rows);
    }

    [Fact]
    public void A_drop_dated_after_the_latest_day_is_refused_naming_the_blob()
    {
        File.WriteAllText(_path, "ham\thello\n");

        var error = Assert.Throws<DataValidationException>(() => ((IModelDefinition)new SmsSpamModel()).ValidateFile(new MLContext(), _path, "sms-spam/2026/01/04.tsv", new DateOnly(2026, 1, 4), new DateOnly(2026, 1, 3)));

        Assert.Null(error.Row);
        Assert.StartsWith("sms-spam/2026/01/04.tsv: the drop's day 2026-01-04 is in the future: the newest day data may hold now is 2026-01-03", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void Rows_are_counted_as_the_loader_counts_them_past_blank_and_comment_lines_and_lines_as_an_editor_does(string newline)
    {
        var text = string.Join(newline, "ham\thello", string.Empty, "// a comment line", "spam\tWIN \0 now", string.Empty);
        File.WriteAllText(_path, text);

        var error = Assert.Throws<DataValidationException>(() => ((IModelDefinition)new SmsSpamModel()).ValidateFile(new MLContext(), _path, "sms-spam/2026/01/02.tsv", new DateOnly(2026, 1, 2), new DateOnly(2026, 1, 3)));
        File.WriteAllText(_path, text.Replace("\0", string.Empty, StringComparison.Ordinal) + "maybe\tsomething" + newline);
        var loaders = Assert.Throws<DataValidationException>(() => ((IModelDefinition)new SmsSpamModel()).ValidateFile(new MLContext(), _path, "sms-spam/2026/01/02.tsv", new DateOnly(2026, 1, 2), new DateOnly(2026, 1, 3)));

        Assert.Equal(2, error.Row);
        Assert.Contains("a NUL byte on line 4, byte 10", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, loaders.Row); // the loader's own numbering, for comparison: the next row
    }

    [Fact]
    public void Quotes_and_punctuation_in_a_message_are_text()
    {
        File.WriteAllText(_path, "ham\tShe said \"ok, fine\" and left...\nspam\t\"FREE\" ringtone! reply YES\n");

        Assert.Equal(2, ((IModelDefinition)new SmsSpamModel()).ValidateFile(new MLContext(), _path, "sms-spam/2026/01/02.tsv", new DateOnly(2026, 1, 2), new DateOnly(2026, 1, 3)).Rows);
    }

    public void Dispose() => File.Delete(_path);
}
