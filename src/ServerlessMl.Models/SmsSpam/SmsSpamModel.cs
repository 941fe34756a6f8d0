using ServerlessMl.Definitions;
using Microsoft.ML;

namespace ServerlessMl.Models.SmsSpam;

/// <summary>
/// Is an SMS spam? A binary text classifier on the SMS Spam Collection layout (Almeida, Gómez
/// Hidalgo and Yamakami, DocEng 2011): drops of <c>ham|spam&lt;TAB&gt;text</c> lines, no header,
/// no time order, so a seeded fifth of the messages (by a hash of their text) is held out.
/// </summary>
public sealed class SmsSpamModel(SmsSpamRecipe recipe) : BinaryClassificationModel<SmsRow, SmsSpamRequest, SmsFeatures>
{
    public const string ModelName = "sms-spam";

    /// <summary>Longest message a training row may hold; longer ones are refused with their row.</summary>
    public const int MaxRowTextLength = 10_000;

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
        return new SmsFeatures { Text = request.Text! };
    }

    protected override string? Check(SmsRow row) =>
        !string.IsNullOrEmpty(row.ExtraField) ? "the row has more than 2 tab-separated fields (label, text)"
        : row.Label is not ("ham" or "spam") ? $"the label must be ham or spam, got '{Shorten(row.Label)}'"
        : string.IsNullOrWhiteSpace(row.Text) ? "the text is empty"
        : row.Text.Length > MaxRowTextLength ? $"the text is {row.Text.Length} characters; the limit is {MaxRowTextLength}"
        : null;

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
