using System.Globalization;
using Microsoft.AspNetCore.Http;
using ServerlessMl.Definitions;
using ServerlessMl.Functions.Tests.Triggers;
using ServerlessMl.Functions.Triggers;
using ServerlessMl.Http;
using ServerlessMl.Registry;
using ServerlessMl.Testing;
using ServerlessMl.Training;
using TaxiFare;

namespace ServerlessMl.Functions.Tests.PlugIn;

/// <summary>
/// The README's example model, as printed there and compiled against Core's public API alone
/// (tests/ServerlessMl.Examples has no access to internals): a flat tabular regression whose
/// row filter drops outliers, trained from its drops on Azurite and served by the function classes.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TaxiFareExampleTests(AzuriteFixture azurite) : IDisposable
{
    private const string Model = "taxi-fare";
    private const int Days = 21;
    private const int OutliersPerDay = 3;
    private readonly TestApp _app = TestApp.Create(azurite, models: m => m.AddModel<TaxiFareModel>());
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "serverless-ml-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void The_README_prints_the_example_as_it_is_compiled()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")).ReplaceLineEndings("\n");
        var heading = readme.IndexOf("## Adding a model", StringComparison.Ordinal);
        Assert.True(heading >= 0, "README.md has no '## Adding a model' section");
        var start = readme.IndexOf("```csharp\n", heading, StringComparison.Ordinal) + "```csharp\n".Length;
        var end = readme.IndexOf("```", start, StringComparison.Ordinal);
        var source = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "ServerlessMl.Examples", "TaxiFareModel.cs")).ReplaceLineEndings("\n");

        Assert.Equal(source.Trim(), readme[start..end].Trim());
    }

    [Fact]
    public async Task The_example_trains_without_its_outliers_counts_them_and_serves_requests_without_the_fare()
    {
        WriteDays(new DateOnly(2026, 1, 1));
        await UploadAsync();

        var (status, body) = await FunctionInvoker.InvokeAsync(_app.Services, r => new RetrainModelNow(_app.Get<RetrainEndpoint>()).Run(r, Model, default), null);
        Assert.True(status == 200, body.ToString());
        Assert.Equal("promoted", body.GetProperty("status").GetString());

        var manifest = (await _app.Get<ModelRegistry>().GetManifestAsync(Model, "0001", default))!;
        Assert.Equal(Days * OutliersPerDay, manifest.Data.DroppedRows);
        Assert.All(manifest.Data.Blobs, b => Assert.Equal(OutliersPerDay, b.DroppedRows));
        Assert.True(manifest.Metrics.RSquared > 0.8, manifest.Metrics.ToString());
        Assert.StartsWith("OneHotEncoding > ColumnConcatenating > FastTreeRegression", manifest.Trainer.Name, StringComparison.Ordinal);

        var predict = new Predict(_app.Get<PredictEndpoint>());
        (status, body) = await InvokeAsync(predict, """{"vendorId":"VTS","rateCode":"1","passengerCount":1,"tripTime":600,"tripDistance":3,"paymentType":"CRD"}""");
        Assert.True(status == 200, body.ToString());
        Assert.InRange(body.GetProperty("prediction").GetDouble(), Fare(3, 600) - 3, Fare(3, 600) + 3);

        (status, body) = await InvokeAsync(predict, """{"vendorId":"VTS","rateCode":"1","passengerCount":1,"tripTime":600,"tripDistance":3,"paymentType":"CRD","fareAmount":12}""");
        Assert.Equal(400, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("fareAmount", out _), body.ToString());

        (status, body) = await InvokeAsync(predict, """{"vendorId":"VTS","rateCode":"1","passengerCount":1,"tripTime":600,"paymentType":"CRD"}""");
        Assert.Equal(400, status);
        Assert.Contains("tripDistance", body.ToString(), StringComparison.Ordinal);

        (status, body) = await InvokeAsync(predict, """{"vendorId":"VTS","rateCode":"1","passengerCount":12,"tripTime":600,"tripDistance":3,"paymentType":"CRD"}""");
        Assert.Equal(400, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("passengerCount", out _), body.ToString());
    }

    [Fact]
    public async Task The_OpenAPI_document_asks_for_every_field_of_the_row_but_the_fare()
    {
        var openApi = new OpenApi(_app.Get<OpenApiEndpoint>());
        var (status, body) = await FunctionInvoker.InvokeAsync(_app.Services, r => Task.FromResult(openApi.Run(r)), null, "application/json", "GET");

        Assert.Equal(200, status);
        var request = body.GetProperty("components").GetProperty("schemas").GetProperty("TaxiFareRequest");
        string[] fields = ["passengerCount", "paymentType", "rateCode", "tripDistance", "tripTime", "vendorId"];
        Assert.Equal(fields, request.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(fields, request.GetProperty("required").EnumerateArray().Select(p => p.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(9, request.GetProperty("properties").GetProperty("passengerCount").GetProperty("maximum").GetDouble());
    }

    [Fact]
    public async Task A_row_outside_the_row_types_annotations_fails_the_file_naming_it_and_its_row()
    {
        WriteDays(new DateOnly(2026, 1, 1));
        var day = Path.Combine(_folder, "2026-01-05.csv");
        var lines = File.ReadAllLines(day);
        lines[4] = "VTS,1,12,600,3,CRD,12.5";
        File.WriteAllLines(day, lines);

        var error = await Assert.ThrowsAsync<DataValidationException>(UploadAsync);

        Assert.Equal("2026-01-05.csv, row 4: passenger_count 12: The field passenger_count must be between 0 and 9.", error.Message);
    }

    private async Task UploadAsync()
    {
        var definition = _app.Get<ModelCatalog>().Get(Model);
        await _app.Get<TrainingDataUploader>().UploadAsync(Model, LocalDataFiles.Open(_folder, _folder, definition.Format), false, null, default);
    }

    private void WriteDays(DateOnly first)
    {
        Directory.CreateDirectory(_folder);
        var random = new Random(7);
        for (var d = 0; d < Days; d++)
        {
            var lines = new List<string> { "vendor_id,rate_code,passenger_count,trip_time_in_secs,trip_distance,payment_type,fare_amount" };
            for (var i = 0; i < 60; i++)
            {
                var distance = 0.3 + random.NextDouble() * 15;
                var time = 120 + random.Next(3000);
                var rate = random.Next(1, 3);
                var fare = i < OutliersPerDay ? (i == 0 ? 400 : 0) : Fare(distance, time) + (rate == 2 ? 10 : 0) + (random.NextDouble() - 0.5);
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{(random.Next(2) == 0 ? "CMT" : "VTS")},{rate},{random.Next(1, 5)},{time},{distance:F2},{(random.Next(2) == 0 ? "CRD" : "CSH")},{fare:F2}"));
            }

            File.WriteAllLines(Path.Combine(_folder, $"{first.AddDays(d):yyyy-MM-dd}.csv"), lines);
        }
    }

    /// <summary>The generated data's fare at rate code 1, before its noise.</summary>
    private static double Fare(double distance, double seconds) => 2.5 + (2.5 * distance) + (0.004 * seconds);

    private Task<FunctionResponse> InvokeAsync(Predict predict, string json) =>
        FunctionInvoker.InvokeAsync(_app.Services, r => predict.Run(r, Model, default), json, "application/json", "POST");

    public void Dispose()
    {
        _app.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
