using Microsoft.ML;
using Microsoft.ML.Data;
using ServerlessMl.Definitions;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Scoring;
using ServerlessMl.Testing;
using ServerlessMl.Training;

namespace ServerlessMl.Core.Tests.Scoring;

/// <summary>
/// The batch scorer over a drop long enough for ML.NET to read it ahead on threads of its own:
/// every row still gets its own prediction, in file order, and refused rows stay where they were.
/// </summary>
public sealed class BatchScorerTests : IDisposable
{
    private const int Rows = 30_000;
    private readonly string _work = Directory.CreateTempSubdirectory("serverless-ml-batch-scorer-").FullName;

    [Fact]
    public void A_long_drop_gets_each_row_its_own_prediction_in_file_order()
    {
        var definition = new BikeDemandModel();
        var model = Train(definition);
        var drop = Path.Combine(_work, "forecast.csv");
        SyntheticBikeData.WriteForecast(drop, new DateTime(2011, 3, 1, 0, 0, 0), Rows, seed: 3);
        var lines = File.ReadAllLines(drop);
        for (var row = 97; row <= Rows; row += 97)
        {
            lines[row] = string.Join(',', lines[row].Split(',').Select((f, i) => i == 5 ? "30" : f));
        }

        File.WriteAllLines(drop, lines);
        var expected = OneByOne(definition, model, drop);

        var items = BatchScorerFactory.For(definition)!.Score(model, drop, "forecast.csv", new DateOnly(2011, 3, 1), skipRows: 0).ToList();

        Assert.Equal(Enumerable.Range(1, Rows).Select(r => (long)r), items.Select(i => i.Row));
        for (var i = 0; i < Rows; i++)
        {
            if ((i + 1) % 97 == 0)
            {
                Assert.Equal("hr must be a whole number from 0 to 23, got 30", items[i].Problem);
                continue;
            }

            Assert.True(items[i].Problem is null, items[i].Problem);
            Assert.Equal(expected[i], (items[i].Key, (double)items[i].Fields![0]));
        }
    }

    /// <summary>Each row read and predicted on its own with a prediction engine: what the batch must agree with.</summary>
    private static List<(string? Key, double Prediction)> OneByOne(BikeDemandModel definition, ITransformer model, string drop)
    {
        var ml = new MLContext();
        IPrecomputed<BikeForecastRow, BikeFeatures> precomputed = definition;
        IServedModel<BikeDemandRequest, BikeFeatures, RegressionScore, double> served = definition;
        var format = precomputed.ScoringFormat;
        var loader = ml.Data.CreateTextLoader<BikeForecastRow>(format.LoaderOptions());
        using var engine = ml.Model.CreatePredictionEngine<BikeFeatures, RegressionScore>(model);
        return [.. ml.Data.CreateEnumerable<BikeForecastRow>(loader.Load(drop), reuseRowObject: false).Select(row =>
            precomputed.CheckInput(row) is null
                ? (precomputed.KeyOf(row), served.ToItem(engine.Predict(precomputed.FromInput(row))))
                : ((string?)null, double.NaN))];
    }

    private static ITransformer Train(BikeDemandModel definition)
    {
        using var data = new SampleData(35);
        var trainer = new ModelTrainer(definition, new TrainingOptions { MinTrainingDays = 0, HoldoutDays = 0 });
        return trainer.Fit(trainer.Validate(LocalDataFiles.Open(data.Folder, data.Folder, definition.Format)));
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
