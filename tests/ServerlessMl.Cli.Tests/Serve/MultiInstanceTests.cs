using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ServerlessMl.Registry;
using ServerlessMl.Testing;
using Xunit.Abstractions;

namespace ServerlessMl.Cli.Tests.Serve;

/// <summary>Three instances on one registry: a promotion reaches all of them within the refresh interval plus one second.</summary>
public sealed class MultiInstanceTests(ServeFixture fixture, ITestOutputHelper output) : IClassFixture<ServeFixture>
{
    private const int RefreshSeconds = 2; // ServeFixture.Environment sets Serving__ModelRefreshSeconds

    [Fact]
    public async Task Three_instances_serve_a_promoted_version_within_the_refresh_interval_plus_one_second()
    {
        var instances = new List<ServeProcess> { fixture.Serve };
        try
        {
            instances.Add(await ServeProcess.StartAsync(fixture.Environment(), "--api-key", ServeFixture.ApiKey));
            instances.Add(await ServeProcess.StartAsync(fixture.Environment(), "--api-key", ServeFixture.ApiKey));
            foreach (var instance in instances)
            {
                Assert.Equal("0002", await VersionAsync(instance));
            }

            await fixture.App.Get<ModelRegistry>().PromoteAsync(ChampionSetup.Model, "0001", "multi-instance test", null, default);
            var clock = Stopwatch.StartNew();
            var delays = await Task.WhenAll(instances.Select(async instance =>
            {
                while (await VersionAsync(instance) != "0001")
                {
                    if (clock.Elapsed > TimeSpan.FromSeconds(30))
                    {
                        return clock.Elapsed;
                    }

                    await Task.Delay(50);
                }

                return clock.Elapsed;
            }));

            output.WriteLine("promotion reached the instances after " + string.Join(", ", delays.Select(d => $"{d.TotalMilliseconds:F0} ms")));
            Assert.All(delays, d => Assert.True(d <= TimeSpan.FromSeconds(RefreshSeconds + 1), $"an instance took {d.TotalMilliseconds:F0} ms"));
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
