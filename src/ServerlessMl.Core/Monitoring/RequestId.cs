using Microsoft.Extensions.Primitives;

namespace ServerlessMl.Monitoring;

/// <summary>
/// The id a predict answer carries in its <c>x-request-id</c> header, that the prediction log
/// records and feedback names: the caller's own when it is a plain token, so a caller can join its
/// records to ours, else a new one.
/// </summary>
internal static class RequestId
{
    public const string Header = "x-request-id";

    public const int MaxLength = 64;

    /// <summary>The caller's id when <paramref name="given"/> is one acceptable value, else a new id.</summary>
    public static string Resolve(StringValues given) =>
        given.Count == 1 && IsValid(given[0]) ? given[0]! : New();

    /// <summary>1 to 64 characters of letters, digits and <c>. _ : -</c>: safe in a header, a log line and a blob query.</summary>
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or ':' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static string New() => Guid.NewGuid().ToString("N");
}
