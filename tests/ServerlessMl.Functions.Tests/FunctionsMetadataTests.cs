using System.Text.Json;
using ServerlessMl.Testing;

namespace ServerlessMl.Functions.Tests;

/// <summary>
/// What the Functions host will index: the functions.metadata file the worker SDK writes into the
/// Functions project's build output. A renamed route or a lost auth level shows up here.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly JsonElement[] Functions = Load();

    [Fact]
    public void RetrainModel_is_a_timer_on_the_RetrainSchedule_setting()
    {
        var binding = Trigger("RetrainModel");

        Assert.Equal("timerTrigger", binding.GetProperty("type").GetString());
        Assert.Equal("%RetrainSchedule%", binding.GetProperty("schedule").GetString());
        Assert.False(binding.TryGetProperty("runOnStartup", out var run) && run.GetBoolean(), "RunOnStartup must stay off in production");
    }

    [Theory]
    [InlineData("RetrainModelNow", "post", "models/{model}/retrain", "Admin")]
    [InlineData("Predict", "post", "models/{model}/predict", "Function")]
    [InlineData("ListModels", "get", "models", "Function")]
    [InlineData("GetModel", "get", "models/{model}", "Function")]
    [InlineData("PromoteModel", "post", "models/{model}/promote", "Admin")]
    [InlineData("Health", "get", "health", "Anonymous")]
    public void Http_functions_have_the_documented_route_method_and_auth_level(string name, string method, string route, string authLevel)
    {
        var binding = Trigger(name);

        Assert.Equal("httpTrigger", binding.GetProperty("type").GetString());
        Assert.Equal(route, binding.GetProperty("route").GetString());
        Assert.Equal(authLevel, binding.GetProperty("authLevel").GetString());
        Assert.Equal([method], binding.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public void Exactly_the_documented_functions_are_exposed()
    {
        Assert.Equal(
            ["GetModel", "Health", "ListModels", "Predict", "PromoteModel", "RetrainModel", "RetrainModelNow"],
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
