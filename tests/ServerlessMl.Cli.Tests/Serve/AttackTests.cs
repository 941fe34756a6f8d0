using System.Net;
using System.Text;
using ServerlessMl.Registry;
using ServerlessMl.Testing;
using Xunit.Abstractions;
using static ServerlessMl.Cli.Tests.Serve.ApiClient;

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
    private static readonly TimeSpan Bound = ReliabilityFixture.AnswerBound;

    [Theory]
    [InlineData(ProxyMode.Forward, 600)]
    [InlineData(ProxyMode.Refuse, 300)]
    [InlineData(ProxyMode.Hang, 120)]
    public async Task Random_hostile_requests_never_get_a_5xx_a_hang_or_a_change(ProxyMode storage, int requests)
    {
        var registry = fixture.App.Get<ModelRegistry>();
        await RegistryDamage.ApplyAsync(registry.Container, Model, "0001", RegistryDamage.HashMismatch); // a version that must never become champion
        var champion = (await registry.GetChampionAsync(Model, default))!.Value.Alias.Version;
        var versions = (await registry.ListVersionsAsync(Model, default)).Count;

        // With storage up nothing may be a 5xx, so the deadline must be one a busy machine cannot
        // overrun; with storage stopped or hung, the fixture's short deadline is what is tested.
        await using var patient = storage == ProxyMode.Forward ? await fixture.StartPatientInstanceAsync() : null;
        var serve = patient ?? fixture.Serve;
        // Warm: a first load slower than the storage deadline answers 503 and goes on in the background.
        Answer warm = null!;
        await Eventually.HoldsAsync(async () => (warm = await SendAsync(serve.Client, HttpMethod.Post, Predict, BadBodies.ValidJson, ServeFixture.ApiKey)).Status == HttpStatusCode.OK);
        Assert.True(warm.Status == HttpStatusCode.OK, warm.ToString());
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
                var (method, path, body, contentType, key, viaQuery) = Generate(random, i, champion);
                await gate.WaitAsync();
                try
                {
                    var target = viaQuery && key is not null ? $"{path}?code={Uri.EscapeDataString(key)}" : path;
                    var answer = await SendAsync(serve.Client, method, target, body, contentType, viaQuery ? null : key);
                    lock (counts)
                    {
                        counts[$"{(int)answer.Status}"] = counts.GetValueOrDefault($"{(int)answer.Status}") + 1;
                        slowest = answer.Elapsed > slowest ? answer.Elapsed : slowest;
                        var outage = storage != ProxyMode.Forward;
                        if ((int)answer.Status >= 500 && !(answer.Status == HttpStatusCode.ServiceUnavailable && outage))
                        {
                            failures.Add($"{(int)answer.Status} for {method} {path} {Shorten(body)}");
                        }

                        if (answer.Elapsed > Bound)
                        {
                            failures.Add($"{answer.Elapsed.TotalSeconds:F1} s for {method} {path}");
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
        Assert.True(counts.GetValueOrDefault(storage == ProxyMode.Forward ? "200" : "503") > 0, "the run never reached what it is meant to exercise");
        Assert.Equal(champion, (await registry.GetChampionAsync(Model, default))!.Value.Alias.Version);
        Assert.Equal(versions, (await registry.ListVersionsAsync(Model, default)).Count);
        Assert.False(serve.HasExited);
    }

    private static (HttpMethod, string, byte[]?, string?, string?, bool) Generate(Random random, int i, string champion)
    {
        lock (random)
        {
            // Every run starts with the admin-keyed promotions that must not move the champion.
            var promotions = PromoteBodies(champion);
            if (i < promotions.Length)
            {
                return (HttpMethod.Post, $"/api/models/{Model}/promote", promotions[i], "application/json", ServeFixture.AdminKey, false);
            }

            var key = BadBodies.Pick(random, [null, "wrong-key", ServeFixture.ApiKey, ServeFixture.AdminKey, ServeFixture.AdminKey + "x", string.Empty]);
            var viaQuery = random.Next(4) == 0;
            var model = BadBodies.Pick(random, [Model, Model, Model, "nope", "BIKE-DEMAND", "..%2F..%2Fetc", "bike-demand%00", new string('a', 300)]);
            var method = random.Next(10) == 0 ? BadBodies.Pick(random, [HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Get, HttpMethod.Post]) : null;
            var (body, contentType) = PredictBody(random, i);
            var (defaultMethod, path, routeBody) = random.Next(9) switch
            {
                0 or 1 or 2 => (HttpMethod.Post, $"/api/models/{model}/predict", body),
                3 => (HttpMethod.Get, "/api/models", null),
                4 => (HttpMethod.Get, $"/api/models/{model}", null),
                5 => (HttpMethod.Post, $"/api/models/{model}/promote", BadBodies.Pick(random, promotions)),
                6 => (HttpMethod.Post, $"/api/models/{model}/retrain", random.Next(2) == 0 ? null : BadBodies.Pick(random, promotions)),
                7 => (HttpMethod.Get, "/api/health", null),
                _ => (HttpMethod.Post, BadBodies.Pick(random, ["/api", "/api/models/bike-demand", "/admin/host/keys", "/api/models/bike-demand/predict/extra", "/%2e%2e/"]), body),
            };
            return (method ?? defaultMethod, path, routeBody, contentType, key, viaQuery);
        }
    }

    private static byte[]?[] PromoteBodies(string champion) =>
    [
        Utf8($$"""{"version":"{{champion}}"}"""), // re-points at the champion: allowed, moves nothing
        Utf8("""{"version":"0001"}"""), // damaged: must be refused
        Utf8("""{"version":"0099"}"""),
        Utf8("""{"version":"0001","force":"yes"}"""),
        Utf8("""{"version":["0001"]}"""),
        Utf8("""{"version":"../0001"}"""),
        Utf8($$"""{"version":"{{champion}}","version":"0001"}"""),
        Utf8("{\"version\":"),
        Utf8(new string('[', 10_000)),
        null,
    ];

    /// <summary>The bad-input generator's bodies, and those it does not make: names that differ in case, date-only timestamps, a BOM, huge strings.</summary>
    private static (byte[]? Body, string? ContentType) PredictBody(Random random, int index)
    {
        var valid = BadBodies.ValidJson;
        return random.Next(8) switch
        {
            0 => (Utf8(valid.Replace("2011-01-24T08:00:00", BadBodies.Pick(random, ["2011-01-24", "9999-99-99T99:00", "", "\\u0000", "2011-01-24T08:00:00+99:00"]), StringComparison.Ordinal)), "application/json"),
            1 => (Utf8(valid.Replace("\"humidity\":60", "\"humidity\":60,\"Humidity\":600,\"humidity\":6", StringComparison.Ordinal)), "application/json"),
            2 => ([0xEF, 0xBB, 0xBF, .. Utf8(valid)], "application/json; charset=utf-8"),
            3 => (Utf8("\"" + new string('x', random.Next(10, 70_000)) + "\""), "application/json"),
            4 => (null, null),
            _ => BadBodies.Next(random, index),
        };
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Shorten(byte[]? body) =>
        body is null ? "(no body)" : Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 120));
}
