using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Scoring;
using ServerlessMl.Testing;

namespace ServerlessMl.Cli.Tests.Serve;

/// <summary>The precompute routes over HTTP, as deployed: score with the admin key, read with a function key.</summary>
public sealed class PrecomputeRouteTests(ServeFixture fixture) : IClassFixture<ServeFixture>, IAsyncLifetime
{
    private const string Score = "/api/models/bike-demand/score";
    private const string Predictions = "/api/models/bike-demand/predictions";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "serverless-ml-tests", Guid.NewGuid().ToString("N"));

    private HttpClient Client => fixture.Serve.Client;

    public async Task InitializeAsync()
    {
        // One forecast, scored once for the class: every test reads what that run stored.
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "drop.csv");
        SyntheticBikeData.WriteForecast(path, new DateTime(2011, 3, 1, 0, 0, 0), 48);
        var container = new BlobServiceClient(fixture.Azurite.ConnectionString).GetBlobContainerClient(fixture.App.ScoringContainer);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient(Storage.DailyBlobName.For(BikeDemandModel.ModelName, DateOnly.FromDateTime(DateTime.UtcNow), "csv")).UploadAsync(path, overwrite: true);
        var run = await ApiClient.SendAsync(Client, HttpMethod.Post, Score, null, ServeFixture.AdminKey);
        Assert.True(run.Status == HttpStatusCode.OK, run.ToString());
    }

    [Fact]
    public async Task A_stored_prediction_is_read_by_its_key_with_its_version_and_time()
    {
        var stored = new TableServiceClient(fixture.Azurite.ConnectionString).GetTableClient(fixture.App.PredictionsTable)
            .Query<TableEntity>(e => e.PartitionKey == "bike-demand:2011-03-02").Single(e => e.GetString(PredictionTable.KeyProperty) == "2011-03-02T08:00");

        var answer = await ApiClient.SendAsync(Client, HttpMethod.Get, Predictions + "/2011-03-02T08:00", null, ServeFixture.ApiKey);

        Assert.True(answer.Status == HttpStatusCode.OK, answer.ToString());
        var body = answer.Json;
        Assert.Equal("bike-demand", body.GetProperty("model").GetString());
        Assert.Equal("2011-03-02T08:00", body.GetProperty("key").GetString());
        Assert.Equal("0002", body.GetProperty("version").GetString());
        Assert.Equal("2011-03-02", body.GetProperty("day").GetString());
        Assert.Equal(stored.GetDouble("prediction"), body.GetProperty("prediction").GetDouble());
        Assert.True(body.GetProperty("scoredAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(-1));
    }

    [Fact]
    public async Task An_unknown_key_is_a_404_problem_and_no_key_is_a_401()
    {
        var unknown = await ApiClient.SendAsync(Client, HttpMethod.Get, Predictions + "/2011-03-09T08:00", null, ServeFixture.ApiKey);
        var noKey = await ApiClient.SendAsync(Client, HttpMethod.Get, Predictions + "/2011-03-02T08:00", null, key: null);
        var functionKeyScores = await ApiClient.SendAsync(Client, HttpMethod.Post, Score, null, ServeFixture.ApiKey);

        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal("application/problem+json", unknown.MediaType);
        Assert.Contains("2011-03-09T08:00", unknown.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, functionKeyScores.Status);
    }

    [Fact]
    public async Task A_range_is_read_a_page_at_a_time_in_key_order()
    {
        var keys = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var path = $"{Predictions}?from=2011-03-01T12:00&to=2011-03-02&limit=10" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation));
            var page = await ApiClient.SendAsync(Client, HttpMethod.Get, path, null, ServeFixture.ApiKey);
            Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
            keys.AddRange(page.Json.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("key").GetString()!));
            continuation = page.Json.GetProperty("continuation").GetString();
            pages++;
        }
        while (continuation is not null && pages < 10);

        Assert.Equal(Enumerable.Range(12, 36).Select(h => new DateTime(2011, 3, 1).AddHours(h).ToString("yyyy-MM-ddTHH:00", System.Globalization.CultureInfo.InvariantCulture)), keys);
        Assert.InRange(pages, 4, 6);
    }

    [Theory]
    [InlineData("?from=2011-03-01", "'to' is required")]
    [InlineData("?from=2011-03-02&to=2011-03-01", "is after")]
    [InlineData("?from=2011-01-01&to=2011-03-01", "at most 31")]
    [InlineData("?from=yesterday&to=2011-03-01", "must start with a day")]
    [InlineData("?from=2011-03-01&to=2011-03-01&limit=0", "'limit'")]
    [InlineData("?from=2011-03-01&to=2011-03-01&continuation=nonsense", "continuation")]
    public async Task A_bad_range_is_a_400_problem_naming_the_parameter(string query, string expected)
    {
        var answer = await ApiClient.SendAsync(Client, HttpMethod.Get, Predictions + query, null, ServeFixture.ApiKey);

        Assert.True(answer.Status == HttpStatusCode.BadRequest, answer.ToString());
        Assert.Contains(expected, answer.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spam_has_no_range_and_no_champion_to_score_with_here()
    {
        var range = await ApiClient.SendAsync(Client, HttpMethod.Get, "/api/models/sms-spam/predictions?from=2011-03-01&to=2011-03-01", null, ServeFixture.ApiKey);
        var score = await ApiClient.SendAsync(Client, HttpMethod.Post, "/api/models/sms-spam/score", null, ServeFixture.AdminKey);

        Assert.Equal(HttpStatusCode.BadRequest, range.Status);
        Assert.Contains("not timestamps", range.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, score.Status);
        Assert.Contains("no champion", score.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}
