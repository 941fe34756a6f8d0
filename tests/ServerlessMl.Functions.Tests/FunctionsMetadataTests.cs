using System.Text.Json;
using ServerlessMl.Http;
using ServerlessMl.Testing;

namespace ServerlessMl.Functions.Tests;

/// <summary>
/// What the Functions host will index: the functions.metadata file the worker SDK writes into the
/// Functions project's build output. A renamed route or a lost auth level shows up here.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly JsonElement[] Functions = Load();

    [Theory]
    [InlineData("RetrainModel", "%RetrainSchedule%")]
    [InlineData("ScoreBatches", "%ScoreSchedule%")]
    [InlineData("CheckLiveQuality", "%LiveSchedule%")]
    public void Each_timer_runs_on_its_schedule_setting(string function, string schedule)
    {
        var binding = Trigger(function);

        Assert.Equal("timerTrigger", binding.GetProperty("type").GetString());
        Assert.Equal(schedule, binding.GetProperty("schedule").GetString());
        Assert.False(binding.TryGetProperty("runOnStartup", out var run) && run.GetBoolean(), "RunOnStartup must stay off in production");
    }

    public static TheoryData<string> RouteFunctions() => [.. Routes.All.Select(r => r.Function)];

    [Theory]
    [MemberData(nameof(RouteFunctions))]
    public void Http_functions_have_the_route_method_and_auth_level_of_the_route_table(string function)
    {
        var route = Routes.All.Single(r => r.Function == function);
        var binding = Trigger(function);

        Assert.Equal("httpTrigger", binding.GetProperty("type").GetString());
        Assert.Equal(route.Template, binding.GetProperty("route").GetString());
        Assert.Equal(route.Access.ToString(), binding.GetProperty("authLevel").GetString());
        Assert.Equal([route.Method.ToLowerInvariant()], binding.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
    }

    [Theory]
    [MemberData(nameof(RouteFunctions))]
    public void Http_functions_answer_through_their_return_value(string function)
    {
        // The worker executes what the function returns only when the return value is its HTTP output.
        var entry = Functions.Single(f => f.GetProperty("name").GetString() == function);
        var output = Assert.Single(entry.GetProperty("bindings").EnumerateArray(), b => b.GetProperty("direction").GetString() == "Out");

        Assert.Equal("$return", output.GetProperty("name").GetString());
        Assert.Equal("http", output.GetProperty("type").GetString());
    }

    [Fact]
    public void Every_http_function_is_in_the_route_table_and_the_timers_are_the_only_others()
    {
        Assert.Equal(
            [.. Routes.All.Select(r => r.Function).Append("RetrainModel").Append("ScoreBatches").Append("CheckLiveQuality").Order(StringComparer.Ordinal)],
            Functions.Select(f => f.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
    }

    private static JsonElement Trigger(string function)
    {
        var entry = Functions.SingleOrDefault(f => f.GetProperty("name").GetString() == function);
        Assert.True(entry.ValueKind == JsonValueKind.Object, $"function {function} is not in functions.metadata");
        return entry.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
    }

    private static JsonElement[] Load()
    {
        var path = Path.Combine(RepoPaths.Root, "src", "ServerlessMl.Functions", "bin", RepoPaths.Configuration, "net10.0", "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: build src/ServerlessMl.Functions first");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.EnumerateArray().ToArray();
    }
}
