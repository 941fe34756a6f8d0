using System.Globalization;
using System.Text.RegularExpressions;

namespace ServerlessMl.Storage;

/// <summary>
/// Drops are named <c>&lt;model&gt;/YYYY/MM/DD.&lt;ext&gt;</c>, the extension the model's format gives;
/// scoring drops may add a name (<c>DD-name.&lt;ext&gt;</c>), so that one day can hold several.
/// </summary>
internal static partial class DailyBlobName
{
    public static string For(string model, DateOnly day, string extension, string? name = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{model}/{day:yyyy}/{day:MM}/{day:dd}{(string.IsNullOrEmpty(name) ? "" : "-" + name)}.{extension}");

    /// <summary>The day a blob holds, or null when the name is not a drop of <paramref name="model"/> with <paramref name="extension"/>.</summary>
    public static DateOnly? TryParse(string model, string blobName, string extension, bool named = false)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        var match = Pattern().Match(blobName);
        if (!match.Success
            || (match.Groups["name"].Success && !named)
            || !string.Equals(match.Groups["model"].Value, model, StringComparison.Ordinal)
            || !string.Equals(match.Groups["ext"].Value, extension, StringComparison.Ordinal))
        {
            return null;
        }

        return DateOnly.TryParseExact(
            $"{match.Groups["y"].Value}-{match.Groups["m"].Value}-{match.Groups["d"].Value}",
            "yyyy-MM-dd",
            CultureInfo.InvariantCulture,
            DateTimeStyles.None,
            out var day) ? day : null;
    }

    [GeneratedRegex(@"^(?<model>[^/]+)/(?<y>\d{4})/(?<m>\d{2})/(?<d>\d{2})(-(?<name>[A-Za-z0-9_.-]{1,100}))?\.(?<ext>[a-z0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
