using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using ServerlessMl.Registry;
using ServerlessMl.Scoring;
using ServerlessMl.Testing;

namespace ServerlessMl.Core.Tests.Scoring;

/// <summary>The precompute job end to end on a real Azurite (blob and table).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ScoringJobTests(AzuriteFixture azurite) : IDisposable
{
    private const string Model = ScoringSetup.Model;
    private readonly List<ScoringSetup> _setups = [];

    [Fact]
    public async Task A_run_scores_new_drops_and_only_new_drops()
    {
        var setup = await NewSetupAsync();
        var first = await setup.DropForecastAsync(ScoringSetup.Today);

        var run = await setup.Job.RunAsync(Model, "test", default);

        Assert.Equal(ScoringStatus.Completed, run.Status);
        Assert.Equal("0001", run.Version);
        Assert.Equal(48, run.RowsScored);
        var rows = setup.StoredRows();
        Assert.Equal(48, rows.Count);
        Assert.All(rows.Values, r => Assert.Equal("0001", r.GetString(PredictionTable.VersionProperty)));
        Assert.All(rows.Values, r => Assert.InRange(r.GetDouble("prediction")!.Value, 0, 10_000));
        Assert.Equal(PredictionTable.PartitionOf(Model, new DateOnly(2011, 2, 2)), rows["2011-02-02T05:00"].PartitionKey);
        var scoredAt = rows["2011-02-01T00:00"].GetDateTimeOffset(PredictionTable.ScoredAtProperty);

        var again = await setup.Job.RunAsync(Model, "test", default);
        Assert.Equal(ScoringStatus.UpToDate, again.Status);
        Assert.Empty(again.Drops);
        Assert.Equal(scoredAt, setup.StoredRows()["2011-02-01T00:00"].GetDateTimeOffset(PredictionTable.ScoredAtProperty));

        var second = await setup.DropForecastAsync(ScoringSetup.Today, hours: 24, name: "evening");
        var third = await setup.Job.RunAsync(Model, "test", default);
        Assert.Equal(ScoringStatus.Completed, third.Status);
        Assert.Equal([second], third.Drops.Select(d => d.Blob));
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task A_changed_drop_is_scored_again_and_its_rows_replaced_never_duplicated()
    {
        var setup = await NewSetupAsync();
        await setup.DropForecastAsync(ScoringSetup.Today, seed: 1);
        await setup.Job.RunAsync(Model, "test", default);
        var before = setup.StoredRows();

        await setup.DropForecastAsync(ScoringSetup.Today, seed: 2);
        var run = await setup.Job.RunAsync(Model, "test", default);

        Assert.Equal(ScoringStatus.Completed, run.Status);
        var after = setup.StoredRows();
        Assert.Equal(48, after.Count);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        Assert.Contains(after.Keys, k => after[k].GetDouble("prediction") != before[k].GetDouble("prediction"));
    }

    [Fact]
    public async Task A_promotion_during_a_run_leaves_the_run_on_one_version_and_the_next_run_rescores_with_the_new_champion()
    {
        var setup = await NewSetupAsync(versions: 2);
        await setup.DropForecastAsync(ScoringSetup.Today);
        var registry = setup.App.Get<ModelRegistry>();

        ScoringRun run;
        using (new StepHook("score-drop", () => registry.PromoteAsync(Model, "0001", "rollback during a run", null, default).GetAwaiter().GetResult()))
        {
            run = await setup.Job.RunAsync(Model, "test", default);
        }

        Assert.Equal(ScoringStatus.Completed, run.Status);
        Assert.Equal("0002", run.Version);
        Assert.Equal("0001", (await registry.GetChampionAsync(Model, default))?.Alias.Version);
        Assert.All(setup.StoredRows().Values, r => Assert.Equal("0002", r.GetString(PredictionTable.VersionProperty)));

        var next = await setup.Job.RunAsync(Model, "test", default);

        Assert.Equal(ScoringStatus.Completed, next.Status);
        Assert.Equal("0001", next.Version);
        Assert.Equal(48, next.RowsScored);
        Assert.All(setup.StoredRows().Values, r => Assert.Equal("0001", r.GetString(PredictionTable.VersionProperty)));
    }

    [Fact]
    public async Task A_promotion_does_not_rescore_drops_older_than_the_rescore_window()
    {
        var setup = await NewSetupAsync(versions: 2, new() { ["Scoring:RescoreDays"] = "2" });
        var old = await setup.DropForecastAsync(ScoringSetup.Today.AddDays(-3));
        var recent = await setup.DropForecastAsync(ScoringSetup.Today.AddDays(-2), hours: 24, name: "recent");
        await setup.Job.RunAsync(Model, "test", default);
        await setup.App.Get<ModelRegistry>().PromoteAsync(Model, "0001", "rollback", null, default);

        var run = await setup.Job.RunAsync(Model, "test", default);

        Assert.Equal([recent], run.Drops.Select(d => d.Blob));
        Assert.DoesNotContain(old, run.Drops.Select(d => d.Blob));
    }

    [Fact]
    public async Task Bad_rows_are_counted_and_listed_with_their_row_and_the_rest_are_scored()
    {
        var setup = await NewSetupAsync();
        var blob = await setup.DropForecastAsync(ScoringSetup.Today, edit: text =>
        {
            var lines = text.Split('\n');
            var fields = lines[3].Split(',');
            fields[9] = "9";
            lines[3] = string.Join(',', fields);
            lines[10] += ",5";
            return string.Join('\n', lines);
        });

        var run = await setup.Job.RunAsync(Model, "test", default);

        Assert.Equal(ScoringStatus.Completed, run.Status);
        Assert.Equal(46, run.RowsScored);
        Assert.Equal(2, run.RowsRefused);
        Assert.Equal([3L, 10L], run.RefusedRows.Select(r => r.Row));
        Assert.All(run.RefusedRows, r => Assert.Equal(blob, r.Blob));
        Assert.Contains("weathersit", run.RefusedRows[0].Reason, StringComparison.Ordinal);
        Assert.Contains("more than", run.RefusedRows[1].Reason, StringComparison.Ordinal);
        Assert.Equal(46, setup.StoredRows().Count);
        Assert.True(run.Drops.Single().Complete);
    }

    [Fact]
    public async Task An_unreadable_drop_is_named_and_skipped_until_it_changes_and_the_other_drops_are_scored()
    {
        var setup = await NewSetupAsync();
        var bad = await setup.DropForecastAsync(ScoringSetup.Today, name: "bad", edit: text => text.Replace("weathersit", "weather", StringComparison.Ordinal));
        var good = await setup.DropForecastAsync(ScoringSetup.Today, name: "good");

        var run = await setup.Job.RunAsync(Model, "test", default);

        Assert.Equal(ScoringStatus.Completed, run.Status);
        var skipped = run.Drops.Single(d => d.Blob == bad);
        Assert.Contains("header", skipped.Problem, StringComparison.Ordinal);
        Assert.Contains(bad, skipped.Problem, StringComparison.Ordinal);
        Assert.Equal(48, run.Drops.Single(d => d.Blob == good).RowsScored);

        Assert.Equal(ScoringStatus.UpToDate, (await setup.Job.RunAsync(Model, "test", default)).Status);
        await setup.DropForecastAsync(ScoringSetup.Today, name: "bad", hours: 24);
        var fixedRun = await setup.Job.RunAsync(Model, "test", default);
        Assert.Equal(24, fixedRun.Drops.Single(d => d.Blob == bad).RowsScored);
    }

    [Fact]
    public async Task A_run_stopped_part_way_records_where_it_stopped_and_the_next_run_goes_on_from_there()
    {
        var setup = await NewSetupAsync(settings: new() { ["Scoring:CheckpointRows"] = "100" });
        var blob = await setup.DropForecastAsync(ScoringSetup.Today, hours: 1000);
        using var stop = new CancellationTokenSource();
        var writes = 0;

        ScoringRun run;
        using (new StepHook("score-write", () =>
        {
            if (++writes == 4)
            {
                stop.Cancel();
            }
        }))
        {
            run = await setup.Job.RunAsync(Model, "test", stop.Token);
        }

        Assert.Equal(ScoringStatus.Stopped, run.Status);
        var cut = run.Drops.Single();
        Assert.False(cut.Complete);
        Assert.InRange(cut.EndRow, 100, 900);
        var record = await ReadRunRecordAsync(setup, run.Id);
        Assert.Equal("stopped", record.GetProperty("status").GetString());
        Assert.Equal(cut.EndRow, record.GetProperty("drops")[0].GetProperty("endRow").GetInt64());

        var next = await setup.Job.RunAsync(Model, "test", default);

        Assert.Equal(ScoringStatus.Completed, next.Status);
        var rest = next.Drops.Single();
        Assert.Equal(blob, rest.Blob);
        Assert.Equal(cut.EndRow, rest.StartRow);
        Assert.Equal(1000 - cut.EndRow, rest.RowsScored);
        Assert.Equal(1000, setup.StoredRows().Count);
    }

    // Through proxies, not by stopping Azurite: Azurite keeps its tables in memory between saves,
    // so killing it loses rows it has acknowledged, which no app could survive.
    [Theory]
    [InlineData(ProxyMode.Refuse, "unreachable")]
    [InlineData(ProxyMode.Hang, "did not answer in time")]
    public async Task Storage_gone_or_hung_mid_run_fails_the_run_with_a_clear_reason_and_the_next_run_goes_on_from_the_last_checkpoint(ProxyMode mode, string reason)
    {
        await using var blobs = new StorageProxy(azurite.Port);
        await using var tables = new StorageProxy(azurite.TablePort);
        var setup = await NewSetupAsync(settings: new()
        {
            ["ModelStorage"] = AzuriteFixture.ConnectionStringFor(blobs.Port, tables.Port),
            ["Scoring:CheckpointRows"] = "100",
            ["ModelStorage:TimeoutSeconds"] = "5",
        });
        await setup.DropForecastAsync(ScoringSetup.Today, hours: 1000);
        var writes = 0;

        ScoringRun run;
        using (new StepHook("score-write", () =>
        {
            if (++writes == 4)
            {
                blobs.Mode = tables.Mode = mode;
            }
        }))
        {
            run = await setup.Job.RunAsync(Model, "test", default);
        }

        blobs.Mode = tables.Mode = ProxyMode.Forward;
        Assert.Equal(ScoringStatus.Failed, run.Status);
        Assert.True(run.StorageFailed);
        Assert.Contains(reason, string.Join(" ", run.Reasons), StringComparison.Ordinal);
        Assert.Contains("could not be saved", string.Join(" ", run.Reasons), StringComparison.Ordinal);

        // The failed run could not release its lease, which would expire by itself within a minute.
        await new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(setup.App.ModelsContainer)
            .GetBlobClient($"{Model}/scoring/run.lock").GetBlobLeaseClient().BreakAsync(TimeSpan.Zero);
        var next = await setup.Job.RunAsync(Model, "test", default);

        Assert.True(next.Status == ScoringStatus.Completed, string.Join(" ", next.Reasons));
        Assert.InRange(next.Drops.Single().StartRow, 100, 900);
        Assert.Equal(1000, setup.StoredRows().Count);
    }

    [Fact]
    public async Task A_damaged_ledger_costs_a_rescore_and_is_written_anew()
    {
        var setup = await NewSetupAsync();
        await setup.DropForecastAsync(ScoringSetup.Today);
        await setup.Job.RunAsync(Model, "test", default);
        var ledger = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(setup.App.ModelsContainer).GetBlobClient(ScoringStore.LedgerBlobName(Model));
        await ledger.UploadAsync(BinaryData.FromString("{\"drops\": [not json"), overwrite: true);

        var run = await setup.Job.RunAsync(Model, "test", default);

        Assert.Equal(ScoringStatus.Completed, run.Status);
        Assert.Equal(48, run.RowsScored);
        Assert.Equal(48, setup.StoredRows().Count);
        Assert.Equal(ScoringStatus.UpToDate, (await setup.Job.RunAsync(Model, "test", default)).Status);
    }

    [Fact]
    public async Task A_second_run_while_one_holds_the_lease_is_busy_and_changes_nothing()
    {
        var setup = await NewSetupAsync();
        await setup.DropForecastAsync(ScoringSetup.Today);
        ScoringRun? inner = null;

        ScoringRun outer;
        using (new StepHook("score-drop", () => inner ??= setup.Job.RunAsync(Model, "test", default).GetAwaiter().GetResult()))
        {
            outer = await setup.Job.RunAsync(Model, "test", default);
        }

        Assert.Equal(ScoringStatus.Completed, outer.Status);
        Assert.Equal(ScoringStatus.Busy, inner?.Status);
    }

    [Fact]
    public async Task A_model_without_a_champion_fails_with_a_reason_and_writes_nothing()
    {
        var app = TestApp.Create(azurite);
        var setup = new ScoringSetup(azurite, app);
        _setups.Add(setup);
        await setup.DropForecastAsync(ScoringSetup.Today);

        var run = await setup.Job.RunAsync(Model, "test", default);

        Assert.Equal(ScoringStatus.Failed, run.Status);
        Assert.False(run.StorageFailed);
        Assert.Contains("no champion", run.Reasons.Single(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var setup in _setups)
        {
            setup.Dispose();
        }
    }

    private async Task<ScoringSetup> NewSetupAsync(int versions = 1, Dictionary<string, string?>? settings = null)
    {
        var setup = await ScoringSetup.WithChampionsAsync(azurite, versions, settings);
        _setups.Add(setup);
        return setup;
    }

    private async Task<JsonElement> ReadRunRecordAsync(ScoringSetup setup, string runId)
    {
        var blob = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(setup.App.ModelsContainer).GetBlobClient(ScoringStore.RunBlobName(Model, runId));
        return JsonDocument.Parse((await blob.DownloadContentAsync()).Value.Content.ToString()).RootElement.Clone();
    }
}
