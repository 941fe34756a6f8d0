using System.Diagnostics;
using System.Net;
using System.Text;
using ServerlessMl.Registry;
using ServerlessMl.Testing;
using Xunit.Abstractions;

namespace ServerlessMl.Cli.Tests.Serve;

/// <summary>
/// An attack run over real loopback HTTP: seeded random requests over every route, method and key
/// level (none, wrong, function, admin; header or query), with malformed, hostile and valid bodies,
/// while storage is up, stopped and hung. It must never produce a 5xx other than a 503 for an
/// outage, never take longer than the storage deadline allows, and never move the champion or
/// publish a version.
/// </summary>
public sealed class AttackTests(ReliabilityFixture fixture, ITestOutputHelper output) : IClassFixture<ReliabilityFixture>
{
    private const string Model = ChampionSetup.Model;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(ReliabilityFixture.StorageTimeoutSeconds + 5);

    [Theory]
    [InlineData(ProxyMode.Forward, 600)]
    [InlineData(ProxyMode.Refuse, 300)]
    [InlineData(ProxyMode.Hang, 120)]
    public async Task Random_hostile_requests_never_get_a_5xx_a_hang_or_a_change(ProxyMode storage, int requests)
    {
        var registry = fixture.App.Get<ModelRegistry>();
        await RegistryDamage.ApplyAsync(registry.Container, Model, "0001", RegistryDamage.HashMismatch);
        var champion = (await registry.GetChampionAsync(Model, default))!.Value;
        var versions = (await registry.ListVersionsAsync(Model, default)).Count;
        var random = new Random(8 + (int)storage);
        var counts = new Dictionary<string, int>();
        var failures = new List<string>();
        var slowest = TimeSpan.Zero;

        fixture.Proxy.Mode = storage;
        try
        {
            using var gate = new SemaphoreSlim(8);
            var tasks = Enumerable.Range(0, requests).Select(async i =>
            {
                var (method, path, body, contentType, key, viaQuery) = Generate(random, i, champion.Alias.Version);
                await gate.WaitAsync();
                try
                {
                    var (status, elapsed) = await SendAsync(method, viaQuery && key is not null ? $"{path}?code={Uri.EscapeDataString(key)}" : path, body, contentType, viaQuery ? null : key);
                    lock (counts)
                    {
                        counts[$"{(int)status}"] = counts.GetValueOrDefault($"{(int)status}") + 1;
                        slowest = elapsed > slowest ? elapsed : slowest;
                        var outage = storage != ProxyMode.Forward;
                        if ((int)status >= 500 && !(status == HttpStatusCode.ServiceUnavailable && outage))
                        {
                            failures.Add($"{(int)status} for {method} {path} {Shorten(body)}");
                        }

                        if (elapsed > Bound)
                        {
                            failures.Add($"{elapsed.TotalSeconds:F1} s for {method} {path}");
                        }
                    }
                }
                finally
                {
                    gate.Release();
                }
            });
            await Task.WhenAll(tasks);
        }
        finally
        {
            fixture.Proxy.Mode = ProxyMode.Forward;
        }

        output.WriteLine($"storage {storage}: {requests} requests, by status {string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key}: {c.Value}"))}; slowest {slowest.TotalSeconds:F2} s");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        var after = (await registry.GetChampionAsync(Model, default))!.Value;
        Assert.Equal(champion.Alias.Version, after.Alias.Version);
        Assert.Equal(champion.ETag, after.ETag); // not even rewritten
        Assert.Equal(versions, (await registry.ListVersionsAsync(Model, default)).Count);
        Assert.False(fixture.Serve.HasExited);
    }

    private async Task<(HttpStatusCode Status, TimeSpan Elapsed)> SendAsync(HttpMethod method, string path, byte[]? body, string? contentType, string? key)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        var clock = Stopwatch.StartNew();
        using var response = await fixture.Serve.Client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return (response.StatusCode, clock.Elapsed);
    }

    private static (HttpMethod, string, byte[]?, string?, string?, bool) Generate(Random random, int i, string champion)
    {
        lock (random)
        {
            var key = Pick(random, null, "wrong-key", ReliabilityFixture.ApiKey, ReliabilityFixture.AdminKey, ReliabilityFixture.AdminKey + "x", string.Empty);
            var viaQuery = random.Next(4) == 0;
            var model = Pick(random, Model, Model, Model, "nope", "BIKE-DEMAND", "..%2F..%2Fetc", "bike-demand%00", new string('a', 300));
            var route = random.Next(9);
            var method = random.Next(10) == 0 ? Pick(random, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Get, HttpMethod.Post) : null;
            var (defaultMethod, path, body) = route switch
            {
                0 or 1 or 2 => (HttpMethod.Post, $"/api/models/{model}/predict", PredictBody(random)),
                3 => (HttpMethod.Get, "/api/models", null),
                4 => (HttpMethod.Get, $"/api/models/{model}", null),
                5 => (HttpMethod.Post, $"/api/models/{model}/promote", PromoteBody(random, champion)),
                6 => (HttpMethod.Post, $"/api/models/{model}/retrain", random.Next(2) == 0 ? null : PromoteBody(random, champion)),
                7 => (HttpMethod.Get, "/api/health", null),
                _ => (HttpMethod.Post, Pick(random, "/api", "/api/models/bike-demand", "/admin/host/keys", "/api/models/bike-demand/predict/extra", "/%2e%2e/"), PredictBody(random)),
            };
            var contentType = Pick(random, "application/json", "application/json", "application/json; charset=utf-8", "text/plain", null, "application/problem+json");
            return (method ?? defaultMethod, path, body, contentType, key, viaQuery);
        }
    }

    private static byte[]? PromoteBody(Random random, string champion) => Pick<byte[]?>(
        random,
        Utf8($$"""{"version":"{{champion}}"}"""), // a no-op promotion
        Utf8("""{"version":"0001"}"""), // damaged: must be refused
        Utf8("""{"version":"0099"}"""),
        Utf8("""{"version":"0001","force":"yes"}"""),
        Utf8("""{"version":["0001"]}"""),
        Utf8("""{"version":"../0001"}"""),
        Utf8("""{"version":"0001","version":"0002"}"""),
        Utf8("{\"version\":"),
        Utf8(new string('[', 10_000)),
        null);

    private static byte[]? PredictBody(Random random)
    {
        var valid = BadBodies.ValidJson;
        return random.Next(14) switch
        {
            0 => Utf8(valid),
            1 => Utf8($"[{valid},{valid}]"),
            2 => Utf8(valid[..random.Next(valid.Length)]),
            3 => Utf8(valid.Replace("\"weather\":1", "\"weather\":1e308", StringComparison.Ordinal)),
            4 => Utf8(valid.Replace("2011-01-24T08:00:00", Pick(random, "2011-01-24", "9999-99-99T99:00", "", "\\u0000", "2011-01-24T08:00:00+99:00"), StringComparison.Ordinal)),
            5 => Utf8("[" + string.Join(',', Enumerable.Repeat(valid, random.Next(99, 105))) + "]"),
            6 => Utf8(new string('[', random.Next(1, 5000))),
            7 => [.. Enumerable.Range(0, random.Next(1, 400)).Select(_ => (byte)random.Next(256))],
            8 => Utf8(valid.Replace("\"humidity\":60", "\"humidity\":60,\"Humidity\":600,\"extra\":{\"a\":[1,2,{\"b\":null}]}", StringComparison.Ordinal)),
            9 => Utf8("\"" + new string('x', random.Next(10, 70_000)) + "\""),
            10 => [0xEF, 0xBB, 0xBF, .. Utf8(valid)],
            11 => Utf8(valid.Replace("6,", "NaN,", StringComparison.Ordinal)),
            12 => null,
            _ => Utf8("[" + string.Join(',', Enumerable.Repeat("{}", random.Next(1, 50))) + "]"),
        };
    }

    private static T Pick<T>(Random random, params T[] choices) => choices[random.Next(choices.Length)];

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Shorten(byte[]? body) =>
        body is null ? "(no body)" : Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 120));
}
