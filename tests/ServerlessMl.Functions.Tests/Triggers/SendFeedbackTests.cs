using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ServerlessMl.Functions.Triggers;
using ServerlessMl.Http;
using ServerlessMl.Monitoring;
using ServerlessMl.Testing;

namespace ServerlessMl.Functions.Tests.Triggers;

/// <summary>
/// The feedback route through its function class on a real Azurite: what it records is read back
/// from the feedback log, and what it refuses names the field. No champion is needed: feedback is
/// about answers already given.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SendFeedbackTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly DateTimeOffset Now = new(2024, 5, 6, 13, 42, 7, TimeSpan.Zero);
    private readonly string _container = "feedback-" + Guid.NewGuid().ToString("N")[..12];
    private TestApp? _app;

    [Fact]
    public async Task Feedback_is_appended_to_the_hours_log_blob_before_the_202()
    {
        var app = App();

        var (status, body) = await SendAsync(app, "bike-demand", """{"requestId":"0HN8A:00000001","label":131}""");
        Assert.Equal(202, status);
        Assert.Equal(1, body.GetProperty("recorded").GetInt32());
        (status, body) = await SendAsync(app, "bike-demand", """[{"requestId":"r-2","item":1,"label":7.5},{"requestId":"r_2.x","item":0,"label":0}]""");
        Assert.Equal(202, status);
        Assert.Equal(2, body.GetProperty("recorded").GetInt32());
        Assert.Equal(1, body.GetProperty("feedback")[0].GetProperty("item").GetInt32());

        var lines = await ReadLogAsync("bike-demand/2024/05/06/13/");
        Assert.Equal(3, lines.Count);
        Assert.Equal(("0HN8A:00000001", 0, 131.0, "131"), (lines[0].RequestId, lines[0].Item, lines[0].Actual, lines[0].Label));
        Assert.Equal(("r-2", 1, 7.5), (lines[1].RequestId, lines[1].Item, lines[1].Actual));
        Assert.Equal(("r_2.x", 0, 0.0), (lines[2].RequestId, lines[2].Item, lines[2].Actual));
        Assert.All(lines, l => Assert.Equal(Now, l.Time));
    }

    [Fact]
    public async Task A_classifiers_label_is_its_class_name_stored_as_one_or_zero()
    {
        var app = App();

        var (status, _) = await SendAsync(app, "sms-spam", """[{"requestId":"a","label":"spam"},{"requestId":"b","label":"ham"}]""");
        Assert.Equal(202, status);
        (status, var body) = await SendAsync(app, "sms-spam", """{"requestId":"c","label":1}""");
        Assert.Equal(400, status);
        Assert.Contains("\"spam\" or \"ham\"", body.GetProperty("errors").GetProperty("label")[0].GetString(), StringComparison.Ordinal);

        var lines = await ReadLogAsync("sms-spam/2024/05/06/13/");
        Assert.Equal([("a", 1.0, "spam"), ("b", 0.0, "ham")], lines.Select(l => (l.RequestId, l.Actual, l.Label)));
    }

    [Theory]
    [InlineData("""{"label":3}""", "requestId", "is required")]
    [InlineData("""{"requestId":"has space","label":3}""", "requestId", "x-request-id")]
    [InlineData("""{"requestId":"","label":3}""", "requestId", "x-request-id")]
    [InlineData("""{"requestId":42,"label":3}""", "requestId", "x-request-id")]
    [InlineData("""{"requestId":"r","label":"many"}""", "label", "finite number")]
    [InlineData("""{"requestId":"r"}""", "label", "is required")]
    [InlineData("""{"requestId":"r","label":3,"item":-1}""", "item", "whole number from 0 to 2")]
    [InlineData("""{"requestId":"r","label":3,"item":3}""", "item", "whole number from 0 to 2")]
    [InlineData("""{"requestId":"r","label":3,"item":0.5}""", "item", "whole number")]
    [InlineData("""{"requestId":"r","label":3,"actual":3}""", "actual", "not a known field")]
    [InlineData("""{"requestId":"r","requestId":"s","label":3}""", "requestId", "more than once")]
    [InlineData("""[{"requestId":"r","label":3},{"requestId":"s","label":null}]""", "[1].label", "finite number")]
    [InlineData("""[{"requestId":"r","label":3},7]""", "[1]", "JSON object")]
    [InlineData("\"r\"", "$", "JSON object")]
    public async Task A_bad_body_is_a_400_naming_the_field_and_records_nothing(string json, string field, string message)
    {
        var (status, body) = await SendAsync(App(), "bike-demand", json);

        Assert.Equal(400, status);
        Assert.Contains(message, body.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(await ReadLogAsync("bike-demand/"));
    }

    [Fact]
    public async Task Unknown_model_empty_or_oversized_batch_and_wrong_content_type_are_problems()
    {
        var app = App();
        var one = """{"requestId":"r","label":3}""";

        Assert.Equal(404, (await SendAsync(app, "no-such-model", one)).Status);
        Assert.Equal(400, (await SendAsync(app, "bike-demand", "[]")).Status);
        Assert.Equal(400, (await SendAsync(app, "bike-demand", "{")).Status);
        var (status, body) = await SendAsync(app, "bike-demand", $"[{one},{one},{one},{one}]");
        Assert.Equal(413, status);
        Assert.Contains("the limit is 3", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(413, (await SendAsync(app, "bike-demand", new string(' ', 5000) + one)).Status);
        Assert.Equal(415, (await SendAsync(app, "bike-demand", one, "text/plain")).Status);
        Assert.Empty(await ReadLogAsync(string.Empty));
    }

    [Theory]
    [InlineData(ProxyMode.Refuse)]
    [InlineData(ProxyMode.Hang)]
    public async Task Storage_refused_or_hung_is_a_503_with_Retry_After_and_nothing_recorded(ProxyMode mode)
    {
        await using var proxy = new StorageProxy(azurite.Port);
        var app = App(new() { ["ModelStorage"] = AzuriteFixture.ConnectionStringFor(proxy.Port, azurite.TablePort), ["ModelStorage:TimeoutSeconds"] = "2" });
        proxy.Mode = mode;

        var started = DateTime.UtcNow;
        var response = await FunctionInvoker.InvokeAsync(app.Services, r => new SendFeedback(app.Get<FeedbackEndpoint>()).Run(r, "bike-demand", default), """{"requestId":"lost","label":3}""");

        Assert.Equal(503, response.Status);
        Assert.Equal("10", response.Headers.RetryAfter.ToString());
        Assert.DoesNotContain("127.0.0.1", response.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), "the storage deadline bounds the wait");

        proxy.Mode = ProxyMode.Forward;
        Assert.Equal(202, (await SendAsync(app, "bike-demand", """{"requestId":"kept","label":3}""")).Status);
        Assert.Equal(["kept"], (await ReadLogAsync("bike-demand/")).Select(l => l.RequestId));
    }

    private TestApp App(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["Monitoring:FeedbackContainer"] = _container, ["Serving:MaxBatch"] = "3", ["Serving:MaxBodyBytes"] = "4096" };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        _app = TestApp.Create(
            azurite,
            settings,
            configure: s => s.AddSingleton<TimeProvider>(new FixedTime(Now)),
            models: m => m.AddModel<Models.SmsSpam.SmsSpamModel>());
        return _app;
    }

    private static Task<FunctionResponse> SendAsync(TestApp app, string model, string json, string contentType = "application/json") =>
        FunctionInvoker.InvokeAsync(app.Services, r => new SendFeedback(app.Get<FeedbackEndpoint>()).Run(r, model, default), json, contentType);

    /// <summary>Every line of the feedback log under <paramref name="prefix"/>, blob by blob.</summary>
    private async Task<List<FeedbackRecord>> ReadLogAsync(string prefix)
    {
        var container = azurite.CreateClient().GetBlobContainerClient(_container);
        var lines = new List<FeedbackRecord>();
        if (!await container.ExistsAsync())
        {
            return lines;
        }

        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, default))
        {
            Assert.EndsWith(".jsonl", blob.Name, StringComparison.Ordinal);
            var text = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
            lines.AddRange(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<FeedbackRecord>(l, LogJson.Options)!));
        }

        return lines;
    }

    public void Dispose() => _app?.Dispose();
}
