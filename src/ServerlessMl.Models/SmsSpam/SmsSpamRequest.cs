using ServerlessMl.Definitions;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace ServerlessMl.Models.SmsSpam;

/// <summary>One message to classify.</summary>
public sealed class SmsSpamRequest
{
    /// <summary>The longest text a request may send; the longest message in the collection is under 1,000 characters.</summary>
    public const int MaxTextLength = 2_000;

    /// <summary>The message, as received.</summary>
    [Required]
    [StringLength(MaxTextLength, MinimumLength = 1)]
    [JsonPropertyName("text")]
    public string? Text { get; set; }
}
