using ServerlessMl.Definitions;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML;

namespace ServerlessMl.Models.SmsSpam;

/// <summary>
/// Is an SMS spam? A binary text classifier on the SMS Spam Collection layout (Almeida, Gómez
/// Hidalgo and Yamakami, DocEng 2011): drops of <c>ham|spam&lt;TAB&gt;text</c> lines, no header,
/// no time order, so a seeded fifth of the messages (by a hash of their text) is held out.
/// </summary>
public sealed class SmsSpamModel(SmsSpamRecipe recipe) : BinaryClassificationModel<SmsRow, SmsSpamRequest, SmsFeatures>,
    IPrecomputed<SmsScoringRow, SmsFeatures>, ILiveTruth<SmsRow, SmsSpamRequest>
{
    public const string ModelName = "sms-spam";

    /// <summary>Longest message a training row may hold; longer ones are refused with their row.</summary>
    public const int MaxRowTextLength = 10_000;

    /// <summary>Longest id a scoring row may give (ignoring spaces around it).</summary>
    public const int MaxIdLength = 200;

    public SmsSpamModel()
        : this(SmsSpamRecipe.Default)
    {
    }

    public SmsSpamRecipe Recipe { get; } = recipe;

    public override string Name => ModelName;

    public override SmsSpamRequest ExampleRequest => new() { Text = "URGENT! You have won a 1 week FREE membership. Call 09061701461 to claim" };

    public override string Description => "Spam or ham for one SMS text (SMS Spam Collection layout).";

    public override DataFormat Format { get; } = DataFormat.Tsv();

    // A message's side is fixed by its text, so a message sent many times is never on both sides.
    public override HoldoutSplit<SmsRow> Split { get; } = HoldoutSplit<SmsRow>.HashedRows(row => row.Text, fraction: 0.2, seed: 20111, minRows: 200);

    public override string PositiveLabel => "spam";

    public override string NegativeLabel => "ham";

    public override IEstimator<ITransformer> CreatePipeline(MLContext ml) => Recipe.Create(ml);

    public override SmsFeatures FromRow(SmsRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new SmsFeatures { Label = row.Label == PositiveLabel, Text = row.Text };
    }

    public override SmsFeatures FromRequest(SmsSpamRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Unlabelled(request.Text!);
    }

    /// <summary>Messages to classify, one per line as <c>id&lt;TAB&gt;text</c>, no header.</summary>
    public DataFormat ScoringFormat { get; } = DataFormat.Tsv();

    public string? CheckInput(SmsScoringRow input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return SmsRowChecks.ExtraField(input.ExtraField, "id") ?? SmsRowChecks.Id(input.Id) ?? SmsRowChecks.Text(input.Text);
    }

    /// <summary>
    /// The id, trimmed; for a row without one, <c>sha256-</c> and the first 32 hex digits of the
    /// SHA-256 of the text's UTF-8 bytes, so the same message always has the same key.
    /// </summary>
    public string KeyOf(SmsScoringRow input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var id = input.Id.Trim();
        return id.Length > 0 ? id : TextKey(input.Text);
    }

    /// <summary>The message's text hash: a labelled drop holding the same message gives its truth.</summary>
    public string? TruthKeyOf(SmsSpamRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return TextKey(request.Text!);
    }

    public string? TruthKeyOf(SmsRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return TextKey(row.Text);
    }

    private static string TextKey(string text) => "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 16);

    public SmsFeatures FromInput(SmsScoringRow input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Unlabelled(input.Text);
    }

    protected override string? Check(SmsRow row) =>
        SmsRowChecks.ExtraField(row.ExtraField, "label")
        ?? (row.Label is not ("ham" or "spam") ? $"the label must be ham or spam, got '{Shorten(row.Label)}'" : null)
        ?? SmsRowChecks.Text(row.Text);

    private static SmsFeatures Unlabelled(string text) => new() { Text = text };

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
