using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.ML;
using Microsoft.ML.Data;
using ServerlessMl.Definitions;
using ServerlessMl.Http;
using ServerlessMl.Training;

namespace ServerlessMl.Core.Tests.Definitions;

/// <summary>
/// A flat tabular model's row read both ways: as data (every loaded value present and within its
/// annotations, the row filter counted) and as a request (the row without its label, every other
/// loaded field required), the same rules for the binder, the validator and the trainer.
/// </summary>
public sealed class TabularModelTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "serverless-ml-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void A_request_is_the_row_without_its_label_even_when_the_label_has_a_range()
    {
        var bound = Bind("""{"size":3,"colour":"red"}""");

        Assert.Null(bound.Problem);
        Assert.Equal(3, bound.Requests[0].Size);
    }

    [Theory]
    [InlineData("""{"size":3,"colour":"red","price":12}""", "price")]
    [InlineData("""{"colour":"red"}""", "size")]
    [InlineData("""{"size":3,"colour":""}""", "colour")]
    [InlineData("""{"size":3,"colour":null}""", "colour")]
    [InlineData("""{"size":30,"colour":"red"}""", "size")]
    public void A_request_that_sends_the_label_or_misses_a_field_is_refused_naming_it(string json, string field)
    {
        var problem = Assert.IsType<ProblemHttpResult>(Bind(json).Problem);

        Assert.Equal(StatusCodes.Status400BadRequest, problem.StatusCode);
        Assert.Contains(field, string.Join(' ', Assert.IsType<HttpValidationProblemDetails>(problem.ProblemDetails).Errors.SelectMany(e => e.Value.Append(e.Key))), StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_with_an_empty_text_field_fails_its_file_naming_the_column_as_the_header_does()
    {
        var path = Write("2026-01-01.csv", "3,,12");

        var error = Assert.Throws<DataValidationException>(() => Check([path]));

        Assert.Equal("2026-01-01.csv, row 1: item_colour is missing or not a number", error.Message);
    }

    [Fact]
    public void Rows_the_filter_leaves_out_are_counted_and_a_file_it_empties_fails_the_run()
    {
        var some = Write("2026-01-01.csv", "3,red,12", "9.5,blue,90");
        var none = Write("2026-01-02.csv", "9.5,red,91");

        var files = Check([some]);
        var error = Assert.Throws<DataValidationException>(() => new ModelTrainer(new ShopModel(), new TrainingOptions { MinTrainingDays = 0, HoldoutDays = 0 }).Validate([File(none)]));

        Assert.Equal((2, 1), (files[0].Rows, files[0].DroppedRows));
        Assert.Contains("leaves out every row", error.Message, StringComparison.Ordinal);
    }

    private static BoundRequests<Item> Bind(string json) => RequestBinder.Bind<Item>(Encoding.UTF8.GetBytes(json), maxBatch: 1);

    private static IReadOnlyList<DataFile> Check(IReadOnlyList<string> paths) =>
        new ModelTrainer(new ShopModel(), new TrainingOptions()).CheckFiles([.. paths.Select(File)]);

    private static DataFile File(string path) =>
        new(Path.GetFileName(path), "etag", DateOnly.ParseExact(Path.GetFileNameWithoutExtension(path), "yyyy-MM-dd", CultureInfo.InvariantCulture), path);

    private string Write(string name, params string[] rows)
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllLines(path, ["item_size,item_colour,price", .. rows]);
        return path;
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    public sealed class Item
    {
        [LoadColumn(0), Range(0.0, 10.0)] public float Size { get; set; }

        [LoadColumn(1)] public string Colour { get; set; } = string.Empty;

        [LoadColumn(2), ColumnName("Label"), Range(1.0, 100.0)] public float Price { get; set; }
    }

    private sealed class ShopModel : TabularRegressionModel<Item>
    {
        public override string Name => "shop";

        public override DataFormat Format { get; } = DataFormat.Csv(["item_size", "item_colour", "price"]);

        protected override bool Keep(Item row) => row.Size <= 9;

        public override IEstimator<ITransformer> CreatePipeline(MLContext ml) =>
            ml.Transforms.Concatenate("Features", nameof(Item.Size)).Append(ml.Regression.Trainers.Sdca());
    }
}
