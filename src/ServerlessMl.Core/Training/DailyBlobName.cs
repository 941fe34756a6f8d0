using System.Globalization;
using System.Text.RegularExpressions;

namespace ServerlessMl.Training;

/// <summary>Data drops are named <c>&lt;model&gt;/YYYY/MM/DD.&lt;ext&gt;</c>, the extension the model's format gives.</summary>
internal static partial class DailyBlobName
{
    public static string For(string model, DateOnly day, string extension) =>
        string.Create(CultureInfo.InvariantCulture, $"{model}/{day:yyyy}/{day:MM}/{day:dd}.{extension}");

    /// <summary>The day a blob holds, or null when the name is not a drop of <paramref name="model"/> with <paramref name="extension"/>.</summary>
    public static DateOnly? TryParse(string model, string blobName, string extension)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        var match = Pattern().Match(blobName);
        if (!match.Success
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

    [GeneratedRegex(@"^(?<model>[^/]+)/(?<y>\d{4})/(?<m>\d{2})/(?<d>\d{2})\.(?<ext>[a-z0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
