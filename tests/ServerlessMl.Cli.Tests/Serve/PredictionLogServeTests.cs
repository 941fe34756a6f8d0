using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessMl.Testing;

namespace ServerlessMl.Cli.Tests.Serve;

/// <summary>`serve` runs the prediction log's writer: a request id over real HTTP, and its line in the log.</summary>
public sealed class PredictionLogServeTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    [Fact]
    public async Task Serve_echoes_the_request_id_and_its_writer_logs_the_prediction_under_it()
    {
        var container = "log-" + Guid.NewGuid().ToString("N")[..12];
        await using var serve = await fixture.StartInstanceAsync(new Dictionary<string, string>
        {
            ["Monitoring__SampleRate"] = "1",
            ["Monitoring__FlushSeconds"] = "1",
            ["Monitoring__LogContainer"] = container,
        });

        var (id, body) = await PredictAsync(serve, "serve-log-1");
        Assert.Equal("serve-log-1", id);
        var (fresh, _) = await PredictAsync(serve, "not a token");
        Assert.Matches("^[0-9a-f]{32}$", fresh);

        var log = fixture.Azurite.CreateClient().GetBlobContainerClient(container);
        JsonObject? line = null;
        var logged = await Eventually.HoldsAsync(async () =>
        {
            if (!await log.ExistsAsync())
            {
                return false;
            }

            await foreach (var blob in log.GetBlobsAsync())
            {
                var text = (await log.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
                line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject())
                    .FirstOrDefault(l => (string?)l["requestId"] == "serve-log-1");
            }

            return line is not null;
        });

        Assert.True(logged, "serve never wrote the prediction to the log:\n" + serve.Log);
        Assert.Equal(body.GetProperty("version").GetString(), (string?)line!["version"]);
        Assert.Equal(body.GetProperty("prediction").GetDouble(), (double)line["score"]!, 1e-9);
    }

    private static async Task<(string? Id, JsonElement Body)> PredictAsync(ServeProcess serve, string requestId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/models/bike-demand/predict")
        {
            Content = new StringContent(BadBodies.ValidJson, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-functions-key", ServeFixture.ApiKey);
        request.Headers.TryAddWithoutValidation("x-request-id", requestId);
        using var response = await serve.Client.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
        return (response.Headers.GetValues("x-request-id").Single(), await response.Content.ReadFromJsonAsync<JsonElement>());
    }
}
