using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace ServerlessMl.Definitions;

/// <summary>
/// What the API means by a text's characters: Unicode scalar values (an emoji is one, however many
/// UTF-16 code units it takes), and whether any of them can be seen.
/// </summary>
internal static class RequestText
{
    public static int Length(string text)
    {
        // Every code unit outside a surrogate pair is one character; a pair is one. Text without
        // surrogates, nearly all of it, needs no walk.
        if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            return text.Length;
        }

        var length = text.Length;
        for (var i = 0; i < text.Length - 1; i++)
        {
            if (char.IsSurrogatePair(text[i], text[i + 1]))
            {
                length--;
                i++;
            }
        }

        return length;
    }

    /// <summary>False for text of nothing but spaces, line breaks, control and format characters (zero-width ones included) and fillers.</summary>
    public static bool HasVisibleCharacter(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (!Invisible(rune))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The most characters any string field of <paramref name="type"/> may hold by its own rules
    /// (<c>[StringLength]</c>, <c>[MaxLength]</c>); <see cref="int.MaxValue"/> when a field has no
    /// such rule, null when the type has no string field.
    /// </summary>
    public static int? TypeLimit(Type type)
    {
        int? most = null;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.PropertyType == typeof(string)))
        {
            var own = property.GetCustomAttributes<ValidationAttribute>(inherit: true)
                .Select(a => a switch
                {
                    StringLengthAttribute length => length.MaximumLength,
                    MaxLengthAttribute length when length.Length > 0 => length.Length,
                    _ => (int?)null,
                })
                .Min() ?? int.MaxValue;
            most = Math.Max(most ?? 0, own);
        }

        return most;
    }

    // Letters and marks the Unicode standard has render as nothing (Default_Ignorable_Code_Point
    // outside the format category): Hangul fillers, the combining grapheme joiner, Khmer inherent
    // vowels, Mongolian free variation selectors and the variation selectors.
    private static bool Invisible(Rune rune) =>
        Rune.IsWhiteSpace(rune)
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.SpaceSeparator
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
        || rune.Value is 0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or 0x3164 or 0xFFA0
            or (>= 0x180B and <= 0x180F) or (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF);
}
