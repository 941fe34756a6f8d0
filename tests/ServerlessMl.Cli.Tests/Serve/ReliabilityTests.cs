using System.Net;
using System.Text.Json;
using ServerlessMl.Registry;
using ServerlessMl.Testing;
using static ServerlessMl.Cli.Tests.Serve.ApiClient;

namespace ServerlessMl.Cli.Tests.Serve;

/// <summary>
/// `serve` over real loopback HTTP while its storage is stopped or hung (through a proxy), while
/// the champion moves under it, and while callers walk away: never a 500, never longer than the
/// storage deadline, never an internal detail in an anonymous answer.
/// </summary>
public sealed class ReliabilityTests(ReliabilityFixture fixture) : IClassFixture<ReliabilityFixture>
{
    private const string Valid = BadBodies.ValidJson;
    private const string Model = ChampionSetup.Model;

    private static readonly TimeSpan Bound = ReliabilityFixture.AnswerBound;

    private HttpClient Client => fixture.Serve.Client;

    private ModelRegistry Registry => fixture.App.Get<ModelRegistry>();

    [Fact]
    public async Task With_storage_stopped_every_storage_route_is_a_503_with_retry_after_and_predict_serves_from_memory()
    {
        var champion = await ChampionAsync();
        var loaded = await ServedVersionAsync();
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(Client, HttpMethod.Get, "/api/health", null, key: null)).Status); // it has seen which models have champions
        fixture.Proxy.Mode = ProxyMode.Refuse;
        try
        {
            foreach (var (method, path, body) in StorageRoutes(champion))
            {
                var answer = await SendAsync(Client, method, path, body, ServeFixture.AdminKey);
                AssertUnavailable(answer, $"{method} {path}");
            }

            var predict = await SendAsync(Client, HttpMethod.Post, Predict, Valid, ServeFixture.ApiKey);
            Assert.True(predict.Status == HttpStatusCode.OK, predict.ToString());
            Assert.Equal(loaded, predict.Json.GetProperty("version").GetString());

            var health = await SendAsync(Client, HttpMethod.Get, "/api/health", null, key: null);
            Assert.True(health.Status == HttpStatusCode.OK, health.ToString()); // a model is loaded: degraded, not down
            Assert.Equal("degraded", health.Json.GetProperty("status").GetString());
            Assert.Equal("unreachable", health.Json.GetProperty("storage").GetString());
            AssertNoInternals(health);
        }
        finally
        {
            fixture.Proxy.Mode = ProxyMode.Forward;
        }

        Assert.Equal(champion, await ChampionAsync()); // nothing moved
    }

    [Fact]
    public async Task With_storage_hung_every_route_answers_within_the_deadline_and_a_cold_instance_says_503()
    {
        await ServedVersionAsync();
        var champion = await ChampionAsync();
        // Lazy (Serving__PreloadOnStart=false): it must still be cold when storage hangs.
        await using var cold = await fixture.StartInstanceAsync(new Dictionary<string, string> { ["Serving__PreloadOnStart"] = "false" });
        fixture.Proxy.Mode = ProxyMode.Hang;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2.5)); // the warm instance's champion check is now due, and will hang
            var warmPredict = await SendAsync(Client, HttpMethod.Post, Predict, Valid, ServeFixture.ApiKey);
            Assert.True(warmPredict.Status == HttpStatusCode.OK && warmPredict.Elapsed < Bound, warmPredict.ToString());

            foreach (var (method, path, body) in StorageRoutes(champion))
            {
                AssertUnavailable(await SendAsync(Client, method, path, body, ServeFixture.AdminKey), $"warm {method} {path}");
            }

            var coldPredict = await SendAsync(cold.Client, HttpMethod.Post, Predict, Valid, ServeFixture.ApiKey);
            AssertUnavailable(coldPredict, "cold predict");
            var coldHealth = await SendAsync(cold.Client, HttpMethod.Get, "/api/health", null, key: null);
            AssertUnavailable(coldHealth, "cold health", problem: false);
            Assert.Equal("unhealthy", coldHealth.Json.GetProperty("status").GetString());
        }
        finally
        {
            fixture.Proxy.Mode = ProxyMode.Forward;
        }

        // Storage back: the cold instance loads and serves.
        Answer? again = null;
        await Eventually.HoldsAsync(async () => (again = await SendAsync(cold.Client, HttpMethod.Post, Predict, Valid, ServeFixture.ApiKey)).Status == HttpStatusCode.OK);
        Assert.True(again!.Status == HttpStatusCode.OK, again.ToString());
    }

    [Fact]
    public async Task An_idle_instance_answers_its_first_request_after_the_refresh_interval_with_the_new_champion()
    {
        var champion = await ChampionAsync();
        var other = champion == "0001" ? "0002" : "0001";

        // The promise rests on the check and load finishing within the deadline.
        await using var idle = await fixture.StartPatientInstanceAsync();
        Assert.Equal(champion, (await SendAsync(idle.Client, HttpMethod.Post, Predict, Valid, ServeFixture.ApiKey)).Json.GetProperty("version").GetString());
        try
        {
            await Registry.PromoteAsync(Model, other, "moved by another instance", null, default);
            await Task.Delay(TimeSpan.FromSeconds(2.5)); // idle for at least ModelRefreshSeconds: the next request checks

            var first = await SendAsync(idle.Client, HttpMethod.Post, Predict, Valid, ServeFixture.ApiKey);
            Assert.Equal(other, first.Json.GetProperty("version").GetString());
        }
        finally
        {
            await RestoreAsync(champion);
        }
    }

    [Fact]
    public async Task With_the_champion_alias_deleted_health_says_no_champion_is_set()
    {
        var champion = await ChampionAsync();
        await using var patient = await fixture.StartPatientInstanceAsync();
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(patient.Client, HttpMethod.Post, Predict, Valid, ServeFixture.ApiKey)).Status);
        await Registry.Container.GetBlobClient(ModelRegistry.ChampionBlobName(Model)).DeleteAsync();
        try
        {
            var warm = await SendAsync(patient.Client, HttpMethod.Get, "/api/health", null, key: null);
            Assert.True(warm.Status == HttpStatusCode.OK, warm.ToString()); // still serving what it loaded
            Assert.Equal("degraded", warm.Json.GetProperty("status").GetString());
            Assert.Equal("no champion is set", warm.Json.GetProperty("models")[0].GetProperty("problem").GetString());

            // A cold instance cannot serve it, but no instance could: it stays in rotation, degraded.
            await using var cold = await fixture.StartPatientInstanceAsync();
            var coldHealth = await SendAsync(cold.Client, HttpMethod.Get, "/api/health", null, key: null);
            Assert.True(coldHealth.Status == HttpStatusCode.OK, coldHealth.ToString());
            Assert.Equal("degraded", coldHealth.Json.GetProperty("status").GetString());
            Assert.Equal("cannot serve", coldHealth.Json.GetProperty("models")[0].GetProperty("state").GetString());
            Assert.Equal("no champion is set", coldHealth.Json.GetProperty("models")[0].GetProperty("problem").GetString());
        }
        finally
        {
            await RestoreAsync(champion);
        }
    }

    [Fact]
    public async Task A_retrain_whose_caller_disconnects_runs_to_its_end()
    {
        var before = (await Registry.ListVersionsAsync(Model, default)).Count;
        var champion = await ChampionAsync();
        fixture.Data.AddDay();
        await fixture.App.Get<Training.TrainingDataUploader>().UploadAsync(Model, Training.LocalDataFiles.Open(fixture.Data.Folder, fixture.Data.Folder, SampleData.Format), false, null, default);

        await using var patient = await fixture.StartPatientInstanceAsync();
        string LogSinceStart() => patient.Log;

        using (var leave = new CancellationTokenSource())
        {
            var request = SendAsync(patient.Client, HttpMethod.Post, $"/api/models/{Model}/retrain", null, ServeFixture.AdminKey, leave.Token);
            await Eventually.HoldsAsync(() => LogSinceStart().Contains("Retrain of bike-demand started (admin request)", StringComparison.Ordinal));
            await leave.CancelAsync(); // the caller leaves once the run has started
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        }

        // The run logs its outcome last, after publishing and promoting.
        await Eventually.HoldsAsync(() => LogSinceStart().Contains("Retrain of bike-demand: Promoted", StringComparison.Ordinal), TimeSpan.FromMinutes(5));
        Assert.Contains("Retrain of bike-demand: Promoted", LogSinceStart(), StringComparison.Ordinal);
        Assert.Equal(before + 1, (await Registry.ListVersionsAsync(Model, default)).Count);
        await RestoreAsync(champion);
    }

    private async Task<string> ChampionAsync() => (await Registry.GetChampionAsync(Model, default))!.Value.Alias.Version;

    private async Task<string?> ServedVersionAsync()
    {
        // A first load slower than the storage deadline (a loaded machine) answers 503 and goes on in the background.
        Answer answer = null!;
        await Eventually.HoldsAsync(async () => (answer = await SendAsync(Client, HttpMethod.Post, Predict, Valid, ServeFixture.ApiKey)).Status == HttpStatusCode.OK);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.ToString());
        return answer.Json.GetProperty("version").GetString();
    }

    /// <summary>Puts the champion back and waits until the shared instance serves it, so the next test starts where this one did.</summary>
    private async Task RestoreAsync(string champion)
    {
        await Registry.PromoteAsync(Model, champion, "restored", null, default);
        string? served = null;
        await Eventually.HoldsAsync(async () => (served = await ServedVersionAsync()) == champion);
        Assert.Equal(champion, served);
    }

    private static IEnumerable<(HttpMethod Method, string Path, string? Body)> StorageRoutes(string champion) =>
    [
        (HttpMethod.Get, "/api/models", null),
        (HttpMethod.Get, $"/api/models/{Model}", null),
        (HttpMethod.Post, $"/api/models/{Model}/promote", $$"""{"version":"{{champion}}"}"""),
        (HttpMethod.Post, $"/api/models/{Model}/retrain", null),
    ];

    private static void AssertUnavailable(Answer answer, string what, bool problem = true)
    {
        Assert.True(answer.Status == HttpStatusCode.ServiceUnavailable, $"{what}: {answer}");
        Assert.True(answer.Elapsed < Bound, $"{what} took {answer.Elapsed.TotalSeconds:F1} s, more than the deadline allows");
        Assert.Equal(TimeSpan.FromSeconds(7), answer.RetryAfter);
        if (problem)
        {
            Assert.Equal("application/problem+json", answer.MediaType);
        }

        AssertNoInternals(answer);
    }

    /// <summary>No endpoint, port, SDK or socket text: those are for the log, not for callers.</summary>
    private static void AssertNoInternals(Answer answer)
    {
        foreach (var leak in new[] { "127.0.0.1", "localhost", "Connection", "reset by peer", "devstoreaccount1", "Exception", "Retry failed", "Status:" })
        {
            Assert.DoesNotContain(leak, answer.Body, StringComparison.OrdinalIgnoreCase);
        }
    }
}
