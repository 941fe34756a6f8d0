using System.Net;
using System.Text.Json;
using ServerlessMl.Testing;
using static ServerlessMl.Cli.Tests.Serve.ApiClient;

namespace ServerlessMl.Cli.Tests.Serve;

/// <summary>Key levels of `serve` as the Functions host has them: once any key is set, nothing is open.</summary>
public sealed class ServeKeysTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    [Fact]
    public async Task With_only_a_function_key_the_admin_routes_refuse_everyone()
    {
        await using var serve = await ServeProcess.StartAsync(fixture.Environment(), "--api-key", "only-function");
        var champion = (await fixture.App.Get<Registry.ModelRegistry>().GetChampionAsync(ChampionSetup.Model, default))!.Value.Alias.Version;

        foreach (var key in new[] { null, string.Empty, "only-function", "guess", ServeFixture.AdminKey })
        {
            var promote = await SendAsync(serve.Client, HttpMethod.Post, "/api/models/bike-demand/promote", $$"""{"version":"{{champion}}"}""", key);
            Assert.True(promote.Status == HttpStatusCode.Unauthorized, $"promote with key {key ?? "none"}: {promote}");
            var retrain = await SendAsync(serve.Client, HttpMethod.Post, "/api/models/bike-demand/retrain", null, key);
            Assert.True(retrain.Status == HttpStatusCode.Unauthorized, $"retrain with key {key ?? "none"}: {retrain}");
        }

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(serve.Client, HttpMethod.Post, Predict, BadBodies.ValidJson, "only-function")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(serve.Client, HttpMethod.Post, Predict, BadBodies.ValidJson, null)).Status);
        Assert.Contains("retrain and promote refuse every request", serve.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_in_the_code_query_parameter_counts_as_the_header_does()
    {
        var champion = (await fixture.App.Get<Registry.ModelRegistry>().GetChampionAsync(ChampionSetup.Model, default))!.Value.Alias.Version;
        string Query(string path, string key) => $"{path}?code={Uri.EscapeDataString(key)}";

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(fixture.Serve.Client, HttpMethod.Post, Query(Predict, ServeFixture.ApiKey), BadBodies.ValidJson, null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(fixture.Serve.Client, HttpMethod.Post, Query(Predict, "guess"), BadBodies.ValidJson, null)).Status);
        var promote = $$"""{"version":"{{champion}}"}""";
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(fixture.Serve.Client, HttpMethod.Post, Query("/api/models/bike-demand/promote", ServeFixture.ApiKey), promote, null)).Status);
        var admin = await SendAsync(fixture.Serve.Client, HttpMethod.Post, Query("/api/models/bike-demand/promote", ServeFixture.AdminKey), promote, null);
        Assert.True(admin.Status == HttpStatusCode.OK, admin.ToString());
    }

    [Fact]
    public async Task Serve_loads_the_champion_before_any_request_and_with_lazy_nothing_loads()
    {
        await using var plain = await ServeProcess.StartAsync(fixture.Environment(), "--api-key", "k", "--lazy");
        await using var preloaded = await ServeProcess.StartAsync(fixture.Environment(), "--api-key", "k");

        var until = DateTime.UtcNow.AddSeconds(60);
        JsonElement model;
        do
        {
            model = (await SendAsync(preloaded.Client, HttpMethod.Get, "/api/health", null, null)).Json.GetProperty("models")[0];
            await Task.Delay(100);
        }
        while (model.GetProperty("state").GetString() != "serving" && DateTime.UtcNow < until);

        Assert.Equal("serving", model.GetProperty("state").GetString());
        Assert.Equal(model.GetProperty("champion").GetString(), model.GetProperty("loadedVersion").GetString());
        var cold = (await SendAsync(plain.Client, HttpMethod.Get, "/api/health", null, null)).Json.GetProperty("models")[0];
        Assert.Equal("ready (loads on first request)", cold.GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("192.0.2.10")]
    public async Task Serve_refuses_a_non_loopback_address_without_keys(string host)
    {
        var (exitCode, _, stderr) = await CliRunner.RunAsync(fixture.Environment(), "serve", "--host", host, "--port", AzuriteFixture.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(2, exitCode);
        Assert.Contains($"Refusing to serve on {host} without keys", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}
