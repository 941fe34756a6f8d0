using ServerlessMl.Definitions;
using Microsoft.ML.Data;

namespace ServerlessMl.Models.SmsSpam;

/// <summary>The classifier's input: the message text, and whether it is spam when known.</summary>
public sealed class SmsFeatures
{
    public bool Label { get; set; }

    public string Text { get; set; } = string.Empty;
}
