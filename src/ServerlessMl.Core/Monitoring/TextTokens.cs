namespace ServerlessMl.Monitoring;

/// <summary>
/// A text's words as the unseen-token measure counts them: lowercased, split on anything that is
/// not a letter or a digit. New words are the first sign of text from elsewhere (another language,
/// a new campaign) that a length alone does not show.
/// </summary>
internal static class TextTokens
{
    public static IEnumerable<string> Of(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            yield break;
        }

        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                yield return text[start..i].ToLowerInvariant();
                start = -1;
            }
        }
    }

    /// <summary>The share of the tokens of <paramref name="texts"/> not in <paramref name="vocabulary"/>; NaN when there are none.</summary>
    public static double UnseenShare(IEnumerable<string?> texts, IReadOnlySet<string> vocabulary)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(vocabulary);
        long tokens = 0, unseen = 0;
        foreach (var token in texts.SelectMany(Of))
        {
            tokens++;
            unseen += vocabulary.Contains(token) ? 0 : 1;
        }

        return tokens == 0 ? double.NaN : (double)unseen / tokens;
    }
}
