using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ServerlessMl.Registry;
using ServerlessMl.Testing;

namespace ServerlessMl.Cli.Tests.Serve;

/// <summary>
/// Three instances on one registry: once the refresh interval has passed after a promotion, each
/// instance's next request is answered by the promoted version (docs/http-api.md, "How fresh the model is").
/// </summary>
public sealed class MultiInstanceTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    // ServeFixture.Environment's Serving__ModelRefreshSeconds, and a little more for the clocks' granularity.
    private static readonly TimeSpan PastTheRefreshInterval = TimeSpan.FromSeconds(2.5);

    [Fact]
    public async Task Three_instances_serve_a_promoted_version_at_their_first_request_after_the_refresh_interval()
    {
        var instances = new List<ServeProcess> { fixture.Serve };
        try
        {
            instances.Add(await ServeProcess.StartAsync(fixture.Environment(), "--api-key", ServeFixture.ApiKey));
            instances.Add(await ServeProcess.StartAsync(fixture.Environment(), "--api-key", ServeFixture.ApiKey));

            // Each answer waits for any check it started (the deadline is far above what one needs),
            // so every instance's last check ended before the promotion.
            foreach (var instance in instances)
            {
                Assert.Equal("0002", await VersionAsync(instance));
            }

            await fixture.App.Get<ModelRegistry>().PromoteAsync(ChampionSetup.Model, "0001", "multi-instance test", null, default);
            await Task.Delay(PastTheRefreshInterval);

            var versions = await Task.WhenAll(instances.Select(VersionAsync));
            Assert.All(versions, v => Assert.Equal("0001", v));
        }
        finally
        {
            foreach (var instance in instances.Skip(1))
            {
                await instance.DisposeAsync();
            }
        }
    }

    private static async Task<string?> VersionAsync(ServeProcess instance)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/models/bike-demand/predict")
        {
            Content = new StringContent(BadBodies.ValidJson, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-functions-key", ServeFixture.ApiKey);
        using var response = await instance.Client.SendAsync(request);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetString();
    }
}
