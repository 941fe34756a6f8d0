using System.Globalization;

namespace ServerlessMl.Models.SmsSpam;

/// <summary>The rules of a spam drop's lines, written once for training rows and scoring rows.</summary>
internal static class SmsRowChecks
{
    public static string? ExtraField(string extraField, string firstField) =>
        string.IsNullOrEmpty(extraField) ? null : $"the row has more than 2 tab-separated fields ({firstField}, text)";

    public static string? Text(string text) =>
        string.IsNullOrWhiteSpace(text) ? "the text is empty"
        : text.Length > SmsSpamModel.MaxRowTextLength ? $"the text is {text.Length} characters; the limit is {SmsSpamModel.MaxRowTextLength}"
        : null;

    /// <summary>An id becomes a stored prediction's key: bounded, and free of characters no one can type back.</summary>
    public static string? Id(string id)
    {
        for (var i = 0; i < id.Length; i++)
        {
            if (char.IsControl(id[i]))
            {
                return string.Create(CultureInfo.InvariantCulture, $"the id holds a control character (U+{(int)id[i]:X4}) at position {i + 1}");
            }
        }

        var length = id.Trim().Length;
        return length > SmsSpamModel.MaxIdLength ? $"the id is {length} characters; the limit is {SmsSpamModel.MaxIdLength}" : null;
    }
}
