using Microsoft.ML.Data;

namespace ServerlessMl.Models.SmsSpam;

/// <summary>One line of a scoring drop: <c>id&lt;TAB&gt;text</c>; the id may be empty.</summary>
public sealed class SmsScoringRow
{
    [LoadColumn(0)]
    public string Id { get; set; } = string.Empty;

    [LoadColumn(1)]
    public string Text { get; set; } = string.Empty;

    /// <summary>Anything past the text: a row with a third field is refused, not silently cut.</summary>
    [LoadColumn(2)]
    public string ExtraField { get; set; } = string.Empty;
}
