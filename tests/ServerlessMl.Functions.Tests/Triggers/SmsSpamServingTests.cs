using Microsoft.AspNetCore.Http;
using ServerlessMl.Functions.Triggers;
using ServerlessMl.Http;
using ServerlessMl.Definitions;
using ServerlessMl.Models.SmsSpam;
using ServerlessMl.Registry;
using ServerlessMl.Testing;
using ServerlessMl.Training;

namespace ServerlessMl.Functions.Tests.Triggers;

/// <summary>The spam classifier through the same job, registry and function classes as bike, on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SmsSpamServingTests(AzuriteFixture azurite) : IDisposable
{
    private const string Model = SmsSpamModel.ModelName;
    private readonly TestApp _app = TestApp.Create(azurite, models: m => m.AddModel<SmsSpamModel>());
    private readonly string _file = Path.Combine(Path.GetTempPath(), "serverless-ml-tests", Guid.NewGuid().ToString("N") + ".tsv");

    [Fact]
    public async Task Spam_trains_from_a_drop_is_gated_on_its_own_metrics_and_answers_label_and_probability()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        SyntheticSms.Write(_file, 600);
        var definition = _app.Get<ModelCatalog>().Get(Model);
        await _app.Get<TrainingDataUploader>().UploadAsync(Model, LocalDataFiles.Open(_file, _file, definition.Format, new DateOnly(2026, 1, 5)), false, null, default);

        var outcome = await _app.Get<RetrainJob>().RunAsync(Model, "test", default);

        Assert.True(outcome.Status == RetrainStatus.Promoted, string.Join("; ", outcome.Reasons));
        var manifest = (await _app.Get<ModelRegistry>().GetManifestAsync(Model, "0001", default))!;
        Assert.Equal(ModelTasks.BinaryClassification, manifest.Task);
        Assert.Equal(["sms-spam/2026/01/05.tsv"], manifest.Data.Blobs.Select(b => b.Name));
        Assert.InRange(manifest.Metrics.Rows, 80, 160); // about a fifth of 600
        foreach (var metric in new[] { MetricNames.Auc, MetricNames.F1, MetricNames.Precision, MetricNames.Recall, MetricNames.Accuracy, MetricNames.Mcc, MetricNames.LogLoss })
        {
            Assert.False(double.IsNaN(manifest.Metrics[metric]), metric);
        }

        Assert.StartsWith("auc ", manifest.Gate.Reasons[0], StringComparison.Ordinal);

        var predict = new Predict(_app.Get<PredictEndpoint>());
        var (status, body) = await InvokeAsync(r => predict.Run(r, Model, default), """{"text":"URGENT! claim your free holiday. Call 09061234567 now"}""");
        Assert.Equal(200, status);
        Assert.Equal("0001", body.GetProperty("version").GetString());
        Assert.Equal("spam", body.GetProperty("label").GetString());
        Assert.InRange(body.GetProperty("probability").GetDouble(), 0.5, 1.0);

        (status, body) = await InvokeAsync(r => predict.Run(r, Model, default), """[{"text":"see you at dinner tonight?"},{"text":"WINNER!! you have won a new mobile phone. Call 09061234567 now, T&Cs apply"}]""");
        Assert.Equal(200, status);
        var answers = body.GetProperty("predictions").EnumerateArray().ToArray();
        Assert.Equal(["ham", "spam"], answers.Select(a => a.GetProperty("label").GetString()));
        Assert.True(answers[0].GetProperty("probability").GetDouble() < answers[1].GetProperty("probability").GetDouble());
    }

    [Theory]
    [InlineData("""{"text":""}""", "text")]
    [InlineData("""{"text":"   "}""", "text")]
    [InlineData("""{"text":42}""", "text")]
    [InlineData("""{}""", "text")]
    [InlineData("""{"text":"hi","sender":"me"}""", "sender")]
    public async Task A_bad_text_is_a_400_naming_the_field(string json, string field)
    {
        var (status, body) = await InvokeAsync(r => new Predict(_app.Get<PredictEndpoint>()).Run(r, Model, default), json);

        Assert.Equal(400, status);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
    }

    [Fact]
    public async Task A_text_over_the_limit_is_a_400()
    {
        var json = $$"""{"text":"{{new string('a', SmsSpamRequest.MaxTextLength + 1)}}"}""";

        var (status, body) = await InvokeAsync(r => new Predict(_app.Get<PredictEndpoint>()).Run(r, Model, default), json);

        Assert.Equal(400, status);
        Assert.Contains("2000", body.GetProperty("errors").GetProperty("text")[0].GetString(), StringComparison.Ordinal);
    }

    private Task<FunctionResponse> InvokeAsync(Func<HttpRequest, Task<IResult>> function, string json) =>
        FunctionInvoker.InvokeAsync(_app.Services, function, json);

    public void Dispose()
    {
        _app.Dispose();
        File.Delete(_file);
    }
}
