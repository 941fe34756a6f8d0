using System.Globalization;

namespace ServerlessMl.Monitoring;

/// <summary>
/// Where the logs and the live results live. Logs are partitioned by model and UTC hour, one
/// append blob per instance and hour, so instances never write the same blob and a day is read
/// by listing one prefix.
/// </summary>
internal static class LogBlobNames
{
    /// <summary><c>&lt;model&gt;/YYYY/MM/DD/HH/&lt;instance&gt;.jsonl</c> in the log's container.</summary>
    public static string Hourly(string model, DateTimeOffset time, string instance) =>
        string.Create(CultureInfo.InvariantCulture, $"{model}/{time.UtcDateTime:yyyy'/'MM'/'dd'/'HH}/{instance}.jsonl");

    /// <summary>The prefix of every blob of one UTC day of a model's log.</summary>
    public static string DayPrefix(string model, DateOnly day) =>
        string.Create(CultureInfo.InvariantCulture, $"{model}/{day:yyyy'/'MM'/'dd}/");

    /// <summary>The live results of one UTC day, in the model's registry folder: <c>models/&lt;model&gt;/live/YYYY-MM-DD.json</c>.</summary>
    public static string LiveDay(string model, DateOnly day) =>
        string.Create(CultureInfo.InvariantCulture, $"{model}/live/{day:yyyy-MM-dd}.json");

    /// <summary>The prefix of all live results of a model in the registry container.</summary>
    public static string LivePrefix(string model) => $"{model}/live/";

    /// <summary>
    /// This instance's name in blob names: the host's instance id when it has one (Azure sets
    /// <c>WEBSITE_INSTANCE_ID</c>), else the machine and process, reduced to letters, digits and hyphens.
    /// </summary>
    public static string Instance(string? hostInstanceId)
    {
        var raw = string.IsNullOrWhiteSpace(hostInstanceId) ? $"{Environment.MachineName}-{Environment.ProcessId}" : hostInstanceId;
        var name = new string([.. raw.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-')]).Trim('-');
        return name.Length == 0 ? "instance" : name.Length > 64 ? name[..64] : name;
    }
}
