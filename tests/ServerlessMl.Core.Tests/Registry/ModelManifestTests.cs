using ServerlessMl.Testing;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;

namespace ServerlessMl.Core.Tests.Registry;

public sealed class ModelManifestTests
{
    private static readonly DataBlob Day1 = new("bike-demand/2011/01/01.csv", "\"0x1\"", new DateOnly(2011, 1, 1), 24, "aa");
    private static readonly DataBlob Day2 = new("bike-demand/2011/01/02.csv", "\"0x2\"", new DateOnly(2011, 1, 2), 24, "bb");

    [Fact]
    public void Round_trips_through_the_registry_json_with_the_documented_field_names()
    {
        var manifest = Manifest();

        var json = JsonSerializer.Serialize(manifest, RegistryJson.Options);
        var back = JsonSerializer.Deserialize<ModelManifest>(json, RegistryJson.Options);

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        foreach (var field in new[] { "model", "version", "createdUtc", "trainer", "metrics", "validationWindow", "comparison", "gate", "refitOnAllData", "data", "inputSchemaHash", "mlNetVersion", "appVersion", "modelFile" })
        {
            Assert.True(root.TryGetProperty(field, out _), $"manifest JSON lacks '{field}'");
        }

        Assert.Equal("R² is fine", root.GetProperty("gate").GetProperty("reasons")[0].GetString()); // not \u00B2
        Assert.Equal(manifest.ModelFile, back!.ModelFile);
        Assert.Equal(manifest.Metrics, back.Metrics);
        Assert.Equal(manifest.Data.Blobs, back.Data.Blobs);
    }

    [Fact]
    public void The_generated_serializer_writes_and_reads_what_reflection_does()
    {
        // The registry's files are read through generated code on the cold path; manifests already
        // in storage were written by reflection, so the two must agree byte for byte.
        var reflectionOnly = new JsonSerializerOptions(RegistryJson.Options) { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };
        var manifest = Manifest() with { Holdout = "the last 2 days", Metrics = RegressionMetrics.Of(double.NaN, 55.1, double.PositiveInfinity, 336) };
        var alias = new ChampionAlias("bike-demand", "0007", manifest.CreatedUtc, "gate passed: R² 0.93 ≥ 0.5 <ok> & \"quoted\"");

        Assert.Equal(JsonSerializer.Serialize(manifest, reflectionOnly), JsonSerializer.Serialize(manifest, RegistryJson.Options));
        Assert.Equal(JsonSerializer.Serialize(alias, reflectionOnly), JsonSerializer.Serialize(alias, RegistryJson.Options));
        Assert.True(RegistryJson.Options.TryGetTypeInfo(typeof(ModelManifest), out var info) && info.OriginatingResolver is not System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver, "manifests go through reflection, not the generated code");

        var json = JsonSerializer.Serialize(manifest, reflectionOnly);
        Assert.Equal(json, JsonSerializer.Serialize(JsonSerializer.Deserialize<ModelManifest>(json, RegistryJson.Options), reflectionOnly));
    }

    [Fact]
    public void A_manifest_from_before_tasks_reads_as_a_regression_with_its_metrics()
    {
        // What the previous version wrote: no task, no holdout, metrics as {rSquared, rmse, mae, rows}.
        var old = JsonNode.Parse(JsonSerializer.Serialize(Manifest(), RegistryJson.Options))!.AsObject();
        old.Remove("task");
        old.Remove("holdout");
        old["metrics"] = JsonNode.Parse("""{"rSquared":0.93,"rmse":55.1,"mae":34.2,"rows":336}""");

        var back = JsonSerializer.Deserialize<ModelManifest>(old.ToJsonString(), RegistryJson.Options)!;

        Assert.Equal(ModelTasks.Regression, back.Task);
        Assert.Null(back.Holdout);
        Assert.Equal(336, back.Metrics.Rows);
        Assert.Equal(55.1, back.Metrics[MetricNames.Rmse]);
        Assert.Equal(0.93, back.Metrics.RSquared);
    }

    [Fact]
    public void A_metric_that_is_not_a_number_survives_the_round_trip()
    {
        var manifest = Manifest() with { Metrics = RegressionMetrics.Of(double.NaN, double.NaN, double.NaN, 0) };

        var back = JsonSerializer.Deserialize<ModelManifest>(JsonSerializer.Serialize(manifest, RegistryJson.Options), RegistryJson.Options);

        Assert.True(double.IsNaN(back!.Metrics.RSquared));
    }

    [Fact]
    public void Same_blobs_means_same_names_and_etags_in_any_order()
    {
        var snapshot = Manifest().Data;

        Assert.True(snapshot.SameBlobsAs([Day2, Day1]));
        Assert.False(snapshot.SameBlobsAs([Day1]));
        Assert.False(snapshot.SameBlobsAs([Day1, Day2 with { ETag = "\"0x3\"" }]));
        Assert.False(snapshot.SameBlobsAs([Day1, Day2, Day2 with { Name = "bike-demand/2011/01/03.csv" }]));
    }

    private static ModelManifest Manifest() => new()
    {
        Model = "bike-demand",
        Version = "0007",
        CreatedUtc = new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero),
        Trainer = new TrainerDescription("LightGbm", new Dictionary<string, string> { ["leaves"] = "8" }),
        Metrics = RegressionMetrics.Of(0.93, 55.1, 34.2, 336),
        ValidationWindow = new DayRange(new DateOnly(2011, 1, 2), new DateOnly(2011, 1, 2), 1),
        Comparison = null,
        Gate = new GateDecision(true, ["R² is fine"]),
        RefitOnAllData = true,
        Data = new DataSnapshot([Day1, Day2], 48, "cc", Day1.Day, Day2.Day),
        InputSchemaHash = "dd",
        MlNetVersion = "5.0.1",
        AppVersion = "0.1.0",
        ModelFile = new ModelFile("ee", 1234),
    };
}
