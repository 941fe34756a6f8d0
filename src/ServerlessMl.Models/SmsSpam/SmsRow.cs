using ServerlessMl.Definitions;
using Microsoft.ML.Data;

namespace ServerlessMl.Models.SmsSpam;

/// <summary>One line of a drop: <c>ham|spam&lt;TAB&gt;text</c>, as in the SMS Spam Collection.</summary>
public sealed class SmsRow
{
    [LoadColumn(0)]
    public string Label { get; set; } = string.Empty;

    [LoadColumn(1)]
    public string Text { get; set; } = string.Empty;

    /// <summary>Anything past the text: a row with a third field is refused, not silently cut.</summary>
    [LoadColumn(2)]
    public string ExtraField { get; set; } = string.Empty;
}
