using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ServerlessMl.Cli.Tests.Serve;

/// <summary>
/// The floors benchmarks/http.sh and cold.sh measure against: mapped only with
/// <c>--benchmark-endpoints</c>, and the by-hand load must answer exactly what the pool answers.
/// </summary>
public sealed class BenchmarkEndpointTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    private const string Valid = BadBodies.ValidJson;

    [Fact]
    public async Task The_by_hand_load_and_the_pool_give_the_same_prediction_from_the_same_champion()
    {
        await using var serve = await ServeProcess.StartAsync(fixture.Environment(), "--benchmark-endpoints");

        var pooled = await PostAsync(serve.Client, "/api/models/bike-demand/predict");
        var byHand = await PostAsync(serve.Client, "/bench/by-hand/bike-demand/predict");
        using var constant = await serve.Client.PostAsync(new Uri("/bench/constant", UriKind.Relative), Json(Valid));

        Assert.Equal(pooled.GetProperty("version").GetString(), byHand.GetProperty("version").GetString());
        Assert.Equal(pooled.GetProperty("prediction").GetDouble(), byHand.GetProperty("prediction").GetDouble());
        Assert.Equal(HttpStatusCode.OK, constant.StatusCode);
    }

    [Fact]
    public async Task Without_the_flag_the_benchmark_routes_do_not_exist()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/bench/by-hand/bike-demand/predict") { Content = Json(Valid) };
        request.Headers.Add("x-functions-key", ServeFixture.ApiKey);
        using var response = await fixture.Serve.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path)
    {
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), Json(Valid));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
