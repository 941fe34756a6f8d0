using System.Net;
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
