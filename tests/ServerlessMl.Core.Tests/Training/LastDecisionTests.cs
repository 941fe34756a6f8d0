using ServerlessMl.Definitions;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Registry;
using ServerlessMl.Training;

namespace ServerlessMl.Core.Tests.Training;

public sealed class LastDecisionTests
{
    private static readonly IModelDefinition Definition = new BikeDemandModel();
    private static readonly GateThresholds Gate = new() { Floor = 0.8 };
    private static readonly DataListing Day = new("bike-demand/2011/01/01.csv", "\"0x1\"", new DateOnly(2011, 1, 1), 100);

    [Fact]
    public void The_same_data_recipe_and_gate_settings_are_skipped()
    {
        var last = LastDecision.Of(Manifest(GateSettings.Of(Gate)), [Day], Definition, Gate, champion: null, "bike-demand");

        Assert.Null(last.JudgedAgain);
        Assert.Contains("no new data since version 0002 was trained (the gate rejected it)", last.Skip, StringComparison.Ordinal);
    }

    [Fact]
    public void New_data_are_trained_without_a_note()
    {
        var last = LastDecision.Of(Manifest(GateSettings.Of(Gate)), [Day with { ETag = "\"0x2\"" }], Definition, Gate, champion: null, "bike-demand");

        Assert.Equal((null, null), (last.Skip, last.JudgedAgain));
    }

    [Fact]
    public void A_manifest_from_before_the_thresholds_were_recorded_counts_as_other_settings()
    {
        var last = LastDecision.Of(Manifest(thresholds: null), [Day], Definition, Gate, champion: null, "bike-demand");

        Assert.Null(last.Skip);
        Assert.Equal("the gate settings changed since version 0002 was decided: the same data are judged again", last.JudgedAgain);
    }

    [Fact]
    public void Another_max_regression_is_other_settings()
    {
        var looser = new GateThresholds { Floor = Gate.Floor, MaxRegression = Gate.MaxRegression * 2 };

        Assert.NotNull(LastDecision.Of(Manifest(GateSettings.Of(Gate)), [Day], Definition, looser, champion: null, "bike-demand").JudgedAgain);
    }

    [Fact]
    public void Another_trainer_parameter_is_another_recipe()
    {
        var manifest = Manifest(GateSettings.Of(Gate)) with
        {
            Trainer = Definition.Trainer with { Parameters = new Dictionary<string, string>(Definition.Trainer.Parameters) { ["changed"] = "yes" } },
        };

        var last = LastDecision.Of(manifest, [Day], Definition, Gate, champion: null, "bike-demand");

        Assert.Null(last.Skip);
        Assert.Equal("the recipe changed since version 0002 was trained: the same data are trained and judged again", last.JudgedAgain);
    }

    private static ModelManifest Manifest(GateSettings? thresholds) => new()
    {
        Model = "bike-demand",
        Version = "0002",
        CreatedUtc = new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero),
        Trainer = Definition.Trainer,
        Metrics = RegressionMetrics.Of(0.7, 55.1, 34.2, 336),
        ValidationWindow = new DayRange(Day.Day, Day.Day, 1),
        Gate = new GateDecision(false, ["below the floor"]) { Thresholds = thresholds },
        RefitOnAllData = false,
        Data = new DataSnapshot([new DataBlob(Day.Name, Day.ETag, Day.Day, 24, "aa")], 24, "cc", Day.Day, Day.Day),
        InputSchemaHash = Definition.InputSchemaHash,
        MlNetVersion = ManifestFactory.MlNetVersion,
        AppVersion = "0.1.0",
        ModelFile = new ModelFile("ee", 1234),
    };
}
