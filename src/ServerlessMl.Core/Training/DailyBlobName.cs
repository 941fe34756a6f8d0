using System.Globalization;
using System.Text.RegularExpressions;

namespace ServerlessMl.Training;

/// <summary>Daily training files are named <c>&lt;model&gt;/YYYY/MM/DD.csv</c>.</summary>
public static partial class DailyBlobName
{
    public static string For(string model, DateOnly day) =>
        string.Create(CultureInfo.InvariantCulture, $"{model}/{day:yyyy}/{day:MM}/{day:dd}.csv");

    /// <summary>The day a blob holds, or null when the name is not a daily file of <paramref name="model"/>.</summary>
    public static DateOnly? TryParse(string model, string blobName)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        var match = Pattern().Match(blobName);
        if (!match.Success || !string.Equals(match.Groups["model"].Value, model, StringComparison.Ordinal))
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

    [GeneratedRegex(@"^(?<model>[^/]+)/(?<y>\d{4})/(?<m>\d{2})/(?<d>\d{2})\.csv$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
