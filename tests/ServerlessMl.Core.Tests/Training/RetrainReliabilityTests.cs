using Microsoft.Extensions.Logging.Abstractions;
using ServerlessMl.Registry;
using ServerlessMl.Storage;
using ServerlessMl.Testing;
using ServerlessMl.Training;

namespace ServerlessMl.Core.Tests.Training;

/// <summary>
/// The retrain job and its lease when storage fails, blobs are damaged, or drops are oversized or
/// re-sent: every run ends with an outcome that says what happened and moves nothing it should not.
/// An Azurite of its own, reached through a proxy the tests can turn off.
/// </summary>
public sealed class RetrainReliabilityTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private const string Model = ChampionSetup.Model;
    private readonly SampleData _data = new(days: 21);
    private StorageProxy _proxy = null!;

    [Theory]
    [InlineData(RegistryDamage.ManifestNotJson, "manifest bike-demand/versions/0001/manifest.json is missing or damaged")]
    [InlineData(RegistryDamage.ShortSchemaHash, "manifest bike-demand/versions/0001/manifest.json is missing or damaged")]
    [InlineData(RegistryDamage.OtherSchema, "champion 0001 was built for another input schema")]
    [InlineData(RegistryDamage.CorruptZip, "champion 0001 could not be loaded")]
    [InlineData(RegistryDamage.MissingZip, "champion 0001 could not be loaded")]
    public async Task A_champion_that_cannot_be_compared_does_not_stop_retraining_and_the_gate_says_why_it_judged_on_the_floor_alone(string damage, string note)
    {
        using var app = NewApp();
        await ChampionSetup.TrainVersionsAsync(app, _data, 1);
        var registry = app.Get<ModelRegistry>();
        await RegistryDamage.ApplyAsync(registry.Container, Model, "0001", damage);
        await ChampionSetup.AddDayAsync(app, _data);

        var outcome = await app.Get<RetrainJob>().RunAsync(Model, "test", default);

        Assert.True(outcome.Status == RetrainStatus.Promoted, string.Join("; ", outcome.Reasons));
        Assert.Null(outcome.Comparison); // nothing was compared with a champion this app cannot trust
        Assert.Contains(outcome.Reasons, r => r.Contains(note, StringComparison.Ordinal) && r.Contains("the floor alone decides", StringComparison.Ordinal));
        Assert.Equal("0002", outcome.Version);
    }

    [Fact]
    public async Task A_damaged_champion_alias_does_not_stop_retraining_and_a_passing_candidate_replaces_it()
    {
        using var app = NewApp();
        await ChampionSetup.TrainVersionsAsync(app, _data, 1);
        var registry = app.Get<ModelRegistry>();
        await registry.Container.GetBlobClient(ModelRegistry.ChampionBlobName(Model)).UploadAsync(BinaryData.FromString("{\"model\":"), overwrite: true);
        await ChampionSetup.AddDayAsync(app, _data);

        var outcome = await app.Get<RetrainJob>().RunAsync(Model, "test", default);

        Assert.True(outcome.Status == RetrainStatus.Promoted, string.Join("; ", outcome.Reasons));
        Assert.Contains(outcome.Reasons, r => r.Contains("alias", StringComparison.Ordinal) && r.Contains("damaged", StringComparison.Ordinal));
        Assert.Equal("0002", (await registry.GetChampionAsync(Model, default))!.Value.Alias.Version);
    }

    [Fact]
    public async Task After_the_alias_is_deleted_a_run_with_no_new_data_says_to_promote_the_passing_version()
    {
        using var app = NewApp();
        await ChampionSetup.TrainVersionsAsync(app, _data, 1);
        await app.Get<ModelRegistry>().Container.GetBlobClient(ModelRegistry.ChampionBlobName(Model)).DeleteAsync();

        var outcome = await app.Get<RetrainJob>().RunAsync(Model, "test", default);

        Assert.Equal(RetrainStatus.Skipped, outcome.Status);
        Assert.Contains("version 0001 was trained (it passed the gate, but no champion is set: promote it", outcome.Reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_over_the_size_limit_fails_the_run_naming_the_blob_before_anything_is_downloaded()
    {
        using var app = NewApp(new() { ["Training:MaxFileBytes"] = "1024" });
        await ChampionSetup.UploadAsync(app, _data);

        var outcome = await app.Get<RetrainJob>().RunAsync(Model, "test", default);

        Assert.Equal(RetrainStatus.Failed, outcome.Status);
        Assert.Equal(RetrainFailure.Data, outcome.Failure);
        Assert.Contains($"{Model}/2011/01/01.csv: the file is", outcome.Reasons[0], StringComparison.Ordinal);
        Assert.Contains("the limit is 1,024 (setting Training__MaxFileBytes)", outcome.Reasons[0], StringComparison.Ordinal);
        Assert.Empty(await app.Get<ModelRegistry>().ListVersionsAsync(Model, default));
    }

    [Fact]
    public async Task A_day_re_uploaded_unchanged_still_counts_as_seen_by_the_champion()
    {
        using var app = NewApp();
        await ChampionSetup.TrainVersionsAsync(app, _data, 1); // refit on all 21 days
        var lastDay = SampleData.FirstDay.AddDays(_data.Days - 1);
        await app.Get<TrainingDataSource>().Container.GetBlobClient(DailyBlobName.For(Model, lastDay, "csv"))
            .UploadAsync(Path.Combine(_data.Folder, $"{lastDay:yyyy-MM-dd}.csv"), overwrite: true); // same bytes, new ETag
        await ChampionSetup.AddDayAsync(app, _data);
        await ChampionSetup.MarkVersionsBuiltByAnotherRecipeAsync(app); // else the comparison is a known tie, not run

        var outcome = await app.Get<RetrainJob>().RunAsync(Model, "test", default);

        Assert.NotNull(outcome.Comparison);
        Assert.Equal(1, outcome.Comparison.Window.Days); // only the new day is unseen
        Assert.Equal(lastDay.AddDays(1), outcome.Comparison.Window.FirstDay);
    }

    [Fact]
    public async Task With_storage_stopped_a_run_fails_with_a_storage_outcome_in_seconds_and_moves_nothing()
    {
        using var app = NewApp();
        await ChampionSetup.TrainVersionsAsync(app, _data, 1);
        await ChampionSetup.AddDayAsync(app, _data);
        var registry = app.Get<ModelRegistry>();
        var versions = (await registry.ListVersionsAsync(Model, default)).Count;
        _proxy.Mode = ProxyMode.Refuse;
        RetrainOutcome outcome;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            outcome = await app.Get<RetrainJob>().RunAsync(Model, "test", default);
        }
        finally
        {
            _proxy.Mode = ProxyMode.Forward;
        }

        // The retries take seconds: the bound leaves a busy machine room and still catches retrying for minutes.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(RetrainStatus.Failed, outcome.Status);
        Assert.Equal(RetrainFailure.Storage, outcome.Failure);
        Assert.Contains("model storage", outcome.Reasons[0], StringComparison.Ordinal);
        Assert.Equal("0001", (await registry.GetChampionAsync(Model, default))!.Value.Alias.Version);
        Assert.Equal(versions, (await registry.ListVersionsAsync(Model, default)).Count);
    }

    [Fact]
    public async Task A_busy_run_says_who_holds_the_lease_and_when_it_clears_if_that_run_died()
    {
        using var app = NewApp();
        await ChampionSetup.UploadAsync(app, _data);
        var registry = app.Get<ModelRegistry>();
        await registry.EnsureContainerAsync(default);
        var before = DateTimeOffset.UtcNow;
        await using var held = await registry.TryAcquireRetrainLeaseAsync(Model, "the other run", default);
        Assert.NotNull(held);

        var outcome = await app.Get<RetrainJob>().RunAsync(Model, "test", default);
        var after = DateTimeOffset.UtcNow;

        Assert.Equal(RetrainStatus.Busy, outcome.Status);
        Assert.Contains("held by the other run", outcome.Reasons[0], StringComparison.Ordinal);
        Assert.Contains("the lease clears by", outcome.Reasons[0], StringComparison.Ordinal);
        // The holder's last renewal fell between the two readings of the clock, however long the run took.
        Assert.InRange(outcome.LeaseClearsByUtc!.Value, before + RetrainLease.Duration, after + RetrainLease.Duration);
    }

    [Fact]
    public async Task Lease_renewal_goes_on_after_a_failed_renewal_and_a_failed_release_is_not_thrown()
    {
        // No SDK retries: a renewal during the outage must fail, not wait the outage out.
        var options = new Azure.Storage.Blobs.BlobClientOptions();
        options.Retry.MaxRetries = 0;
        var service = new Azure.Storage.Blobs.BlobServiceClient(_proxy.ConnectionString(azurite), options);
        var container = service.GetBlobContainerClient("leases-" + Guid.NewGuid().ToString("N")[..8]);
        await container.CreateIfNotExistsAsync();
        var lockBlob = container.GetBlobClient("m/retrain.lock");
        var direct = azurite.CreateClient().GetBlobContainerClient(container.Name).GetBlobClient("m/retrain.lock");
        var log = new EventLog();
        // Renewed far more often than the lease runs out, so only a renewal that stopped can lose it.
        var timing = new LeaseTiming(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500));
        var lease = await RetrainLease.TryAcquireAsync(lockBlob, "test", log, default, timing);
        Assert.NotNull(lease);
        var disposed = false;
        try
        {
            _proxy.Mode = ProxyMode.Refuse; // renewals fail from here on
            var outage = System.Diagnostics.Stopwatch.StartNew();
            Assert.True(await Eventually.HoldsAsync(() => log.EventIds.Contains(110)), "no renewal failed during the outage");
            var stampedInOutage = await RetrainLease.DescribeAsync(direct, default); // nothing gets through the proxy now
            _proxy.Mode = ProxyMode.Forward;

            // The holder's stamp follows each successful renewal: a newer one means renewal went on.
            Assert.True(
                await Eventually.HoldsAsync(async () => (await RetrainLease.DescribeAsync(direct, default))!.RenewedUtc > stampedInOutage!.RenewedUtc),
                "the lease was not renewed after the outage");

            // Had renewal stopped at the outage, the lease would have run out one term after it began.
            var pastTheLastTerm = timing.Duration + TimeSpan.FromSeconds(2) - outage.Elapsed;
            if (pastTheLastTerm > TimeSpan.Zero)
            {
                await Task.Delay(pastTheLastTerm);
            }

            await using (var intruder = await RetrainLease.TryAcquireAsync(direct, "intruder", NullLogger.Instance, default, timing))
            {
                Assert.Null(intruder); // still held
            }

            _proxy.Mode = ProxyMode.Refuse;
            try
            {
                disposed = true;
                await lease.DisposeAsync(); // the release fails: logged, not thrown
            }
            finally
            {
                _proxy.Mode = ProxyMode.Forward;
            }

            Assert.Contains(111, log.EventIds);
            Assert.Equal(Azure.Storage.Blobs.Models.LeaseState.Leased, (await direct.GetPropertiesAsync()).Value.LeaseState); // not released: it expires by itself
        }
        finally
        {
            if (!disposed)
            {
                await lease.DisposeAsync();
            }
        }
    }

    private TestApp NewApp(Dictionary<string, string?>? settings = null)
    {
        var values = ChampionSetup.LenientGate(settings);
        values["ModelStorage"] = _proxy.ConnectionString(azurite);
        return TestApp.Create(azurite, values);
    }

    public Task InitializeAsync()
    {
        _proxy = new StorageProxy(azurite.Port);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        _data.Dispose();
    }

    /// <summary>Records the event ids a component logs.</summary>
    private sealed class EventLog : Microsoft.Extensions.Logging.ILogger
    {
        private readonly List<int> _ids = [];

        public IReadOnlyList<int> EventIds
        {
            get
            {
                lock (_ids)
                {
                    return [.. _ids];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_ids)
            {
                _ids.Add(eventId.Id);
            }
        }
    }
}
