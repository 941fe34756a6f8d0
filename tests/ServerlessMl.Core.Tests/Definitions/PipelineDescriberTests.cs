using Microsoft.ML;
using Microsoft.ML.Trainers;
using ServerlessMl.Definitions;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Models.SmsSpam;
using Xunit.Abstractions;

namespace ServerlessMl.Core.Tests.Definitions;

/// <summary>
/// The recipe a manifest records is read off the pipeline: it must be the same for the same code
/// in every process, and change with any step or setting (else a changed recipe is never retrained).
/// </summary>
public sealed class PipelineDescriberTests(ITestOutputHelper output)
{
    private static readonly MLContext Ml = new(seed: 1);

    [Fact]
    public void The_same_pipeline_is_described_the_same_each_time()
    {
        var first = PipelineDescriber.Describe(Sdca(l2: 0.1f));
        var second = PipelineDescriber.Describe(Sdca(l2: 0.1f));

        Assert.Equal(first.Name, second.Name);
        Assert.Equal(first.Parameters.OrderBy(p => p.Key), second.Parameters.OrderBy(p => p.Key));
    }

    [Fact]
    public void A_changed_setting_changes_the_parameters_and_not_the_steps()
    {
        var before = PipelineDescriber.Describe(Sdca(l2: 0.1f));
        var after = PipelineDescriber.Describe(Sdca(l2: 0.2f));

        Assert.Equal("ColumnConcatenating > SdcaRegression", before.Name);
        Assert.Equal(before.Name, after.Name);
        var changed = before.Parameters.Where(p => after.Parameters[p.Key] != p.Value).Select(p => p.Key).ToList();
        Assert.Equal(before.Parameters.Keys.Order(StringComparer.Ordinal), after.Parameters.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["2.SdcaRegression.SdcaTrainerOptions.L2Regularization"], changed);
    }

    [Fact]
    public void Changed_input_columns_change_the_parameters()
    {
        var two = PipelineDescriber.Describe(Ml.Transforms.Concatenate("Features", "A", "B").Append(Ml.Regression.Trainers.Sdca()));
        var one = PipelineDescriber.Describe(Ml.Transforms.Concatenate("Features", "A").Append(Ml.Regression.Trainers.Sdca()));

        Assert.NotEqual(two.Parameters.OrderBy(p => p.Key), one.Parameters.OrderBy(p => p.Key));
        Assert.Contains(two.Parameters, p => p.Value == "B");
    }

    [Fact]
    public void The_recipe_version_is_part_of_the_description()
    {
        Assert.NotEqual(PipelineDescriber.Describe(Sdca(l2: 0.1f), 1).Parameters["recipeVersion"], PipelineDescriber.Describe(Sdca(l2: 0.1f), 2).Parameters["recipeVersion"]);
    }

    [Fact]
    public void A_changed_step_changes_the_steps()
    {
        var sdca = PipelineDescriber.Describe(Sdca(l2: 0.1f));
        var ols = PipelineDescriber.Describe(Ml.Transforms.Concatenate("Features", "A", "B").Append(Ml.Regression.Trainers.OnlineGradientDescent()));

        Assert.NotEqual(sdca.Name, ols.Name);
    }

    [Fact]
    public void The_shipped_pipelines_are_described_step_by_step_with_their_trainers_settings()
    {
        var bike = ((IModelDefinition)new BikeDemandModel()).Trainer;
        var spam = ((IModelDefinition)new SmsSpamModel()).Trainer;
        output.WriteLine($"{bike.Name}: {bike.Parameters.Count} parameters");
        output.WriteLine($"{spam.Name}: {spam.Parameters.Count} parameters");


        Assert.Equal("ColumnConcatenating > LightGbmRegression > ColumnCopying > Expression > FastTreeTweedie > Expression", bike.Name);
        Assert.Contains(bike.Parameters, p => p.Key.EndsWith("NumberOfLeaves", StringComparison.Ordinal) && p.Value == "16");
        Assert.Contains(bike.Parameters, p => p.Key.EndsWith("NumberOfTrees", StringComparison.Ordinal) && p.Value == "300");
        Assert.Equal("TokenizingByCharacters > NgramHashing > LpNormNormalizing > LbfgsLogisticRegressionBinary", spam.Name);
        Assert.Contains(spam.Parameters, p => p.Key.Contains("NgramLength", StringComparison.Ordinal) && p.Value == "3");
        Assert.Contains(spam.Parameters, p => p.Key.Contains("NumberOfBits", StringComparison.Ordinal) && p.Value == "18");
    }

    private static IEstimator<ITransformer> Sdca(float l2) =>
        Ml.Transforms.Concatenate("Features", "A", "B")
            .Append(Ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { L2Regularization = l2, MaximumNumberOfIterations = 10 }));
}
