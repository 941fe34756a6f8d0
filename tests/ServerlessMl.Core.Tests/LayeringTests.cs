using System.Text.RegularExpressions;
using ServerlessMl.Testing;

namespace ServerlessMl.Core.Tests;

/// <summary>
/// Which folder of Core may use which (docs/architecture.md draws the same picture): each folder
/// is a namespace, and a folder names another's types through a <c>using</c> or a qualified name
/// (<c>Serving.ModelPool</c>, <c>ServerlessMl.Serving.ModelPool</c>), which is what this reads.
/// </summary>
public sealed partial class LayeringTests
{
    /// <summary>Each folder and the folders it may use; the root namespace (registration) may use all.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>
    {
        ["Storage"] = [],
        ["Telemetry"] = [],
        ["Reporting"] = [],
        ["Definitions"] = ["Reporting"],
        ["Registry"] = ["Definitions", "Storage", "Telemetry"],
        ["Training"] = ["Definitions", "Registry", "Reporting", "Storage", "Telemetry"],
        ["Backtesting"] = ["Definitions", "Training"],
        ["Serving"] = ["Definitions", "Registry", "Storage", "Telemetry"],
        ["Scoring"] = ["Definitions", "Registry", "Storage", "Telemetry"],
        ["Monitoring"] = ["Definitions", "Registry", "Serving", "Storage", "Telemetry"],
        ["Http"] = ["Definitions", "Monitoring", "Registry", "Scoring", "Serving", "Storage", "Telemetry", "Training"],
    };

    private static string Core => Path.Combine(RepoPaths.Root, "src", "ServerlessMl.Core");

    [Fact]
    public void Every_folder_of_Core_is_in_the_picture()
    {
        var folders = Directory.GetDirectories(Core).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).Order(StringComparer.Ordinal);

        Assert.Equal(Allowed.Keys.Order(StringComparer.Ordinal), folders);
    }

    [Fact]
    public void No_folder_uses_one_the_picture_does_not_allow()
    {
        var breaches = Allowed.Keys
            .SelectMany(folder => Uses(folder).Where(used => !Allowed[folder].Contains(used)).Select(used => $"{folder} uses {used}"))
            .ToList();

        Assert.Empty(breaches);
    }

    [Fact]
    public void The_picture_has_no_cycle()
    {
        var order = new List<string>();
        var left = Allowed.ToDictionary(p => p.Key, p => p.Value.ToHashSet(StringComparer.Ordinal));
        while (left.FirstOrDefault(p => p.Value.All(order.Contains)) is { Key: not null } next)
        {
            order.Add(next.Key);
            left.Remove(next.Key);
        }

        Assert.Empty(left.Keys);
    }

    [Fact]
    public void The_reader_sees_a_use_written_either_way()
    {
        Assert.Equal(["Serving", "Training"], Named("using ServerlessMl.Training;\nvar pool = default(Serving.ModelPool);", "Http"));
        Assert.Equal(["Registry"], Named("var x = ServerlessMl.Registry.ModelRegistry.ChampionBlobName(m);", "Http"));
        Assert.Empty(Named("// Serving.ModelPool in a comment\nvar s = \"Training.X\";", "Http"));
    }

    private static IEnumerable<string> Uses(string folder) =>
        Directory.EnumerateFiles(Path.Combine(Core, folder), "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => Named(File.ReadAllText(file), folder))
            .Distinct();

    private static string[] Named(string source, string folder)
    {
        var code = CommentsAndStrings().Replace(source, string.Empty);
        return
        [
            .. Reference().Matches(code).Select(m => m.Groups["ns"].Value)
                .Where(ns => Allowed.ContainsKey(ns) && ns != folder)
                .Distinct()
                .Order(StringComparer.Ordinal),
        ];
    }

    [GeneratedRegex(@"(?<![\w.])(?:using\s+)?(?:ServerlessMl\.)?(?<ns>[A-Z][A-Za-z]+)(?:;|\.[A-Z])")]
    private static partial Regex Reference();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|""(?:[^""\\\n]|\\.)*""", RegexOptions.Singleline)]
    private static partial Regex CommentsAndStrings();
}
