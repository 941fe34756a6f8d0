using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using ServerlessMl.Scoring;
using ServerlessMl.Testing;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// The table side of <c>batch-scoring</c>: rows/s of writing scored rows into a real Azurite table
/// with <see cref="PredictionTable.UpsertAsync"/> (entity group transactions of up to 100 entities
/// of one partition, 1, 4 or 8 in flight) against one upsert request per entity (one at a time, and
/// 8 at a time), in interleaved rounds whose order alternates; each write goes into a new table.
/// Two layouts of the same rows: one partition (a spam drop's day: transactions of 100) and a
/// partition per day of hourly keys (bike: transactions of 24).
/// </summary>
internal static class TableUpload
{
    private static readonly (string Name, int InFlight, bool Batched)[] Modes =
        [("one entity a request, 1 in flight", 1, false), ("one entity a request, 8 in flight", 8, false), ("batched, 1 in flight", 1, true), ("batched, 4 in flight", 4, true), ("batched, 8 in flight", 8, true)];

    private static readonly (string Name, Func<int, string> Partition)[] Layouts =
        [("one partition (spam: 100 a transaction)", _ => "sms-spam:2026-01-01"), ("a partition a day of hours (bike: 24 a transaction)", i => string.Create(CultureInfo.InvariantCulture, $"bike-demand:{new DateOnly(2011, 1, 1).AddDays(i / 24):yyyy-MM-dd}"))];

    public static async Task RunAsync(int rows, int rounds)
    {
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        try
        {
            var service = new TableServiceClient(azurite.ConnectionString);
            var measured = new Dictionary<(int Layout, int Mode), List<double>>();
            var work = Enumerable.Range(0, Layouts.Length).SelectMany(l => Enumerable.Range(0, Modes.Length).Where(m => l == 0 || Modes[m].Batched).Select(m => (Layout: l, Mode: m))).ToList();
            var tables = 0;
            for (var round = -1; round < rounds; round++)
            {
                // Round -1 warms the client, the connections and Azurite; it is not reported.
                foreach (var (layout, mode) in round % 2 == 0 ? work : Enumerable.Reverse(work))
                {
                    var table = service.GetTableClient(string.Create(CultureInfo.InvariantCulture, $"upload{tables++}"));
                    await table.CreateAsync();
                    var entities = Entities(rows, Layouts[layout].Partition);
                    var watch = Stopwatch.StartNew();
                    await WriteAsync(table, entities, Modes[mode]);
                    var perSecond = rows / watch.Elapsed.TotalSeconds;
                    await table.DeleteAsync();
                    if (round >= 0)
                    {
                        (measured.TryGetValue((layout, mode), out var list) ? list : measured[(layout, mode)] = []).Add(perSecond);
                    }
                }

                Console.Error.WriteLine(round < 0 ? "table upload: warmed up" : $"table upload: round {round + 1} of {rounds}");
            }

            Report(rows, rounds, measured);
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }

    private static async Task WriteAsync(TableClient table, List<TableEntity> entities, (string Name, int InFlight, bool Batched) mode)
    {
        if (mode.Batched)
        {
            await new PredictionTable(table).UpsertAsync(entities, mode.InFlight, CancellationToken.None);
            return;
        }

        await Parallel.ForEachAsync(entities, new ParallelOptions { MaxDegreeOfParallelism = mode.InFlight }, async (entity, token) =>
            await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, token));
    }

    /// <summary>Rows shaped as the job stores them: key, version, time, drop, row and an answer field.</summary>
    private static List<TableEntity> Entities(int rows, Func<int, string> partition)
    {
        var scoredAt = DateTimeOffset.UtcNow;
        return [.. Enumerable.Range(0, rows).Select(i =>
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"{new DateTime(2011, 1, 1).AddHours(i):yyyy-MM-dd'T'HH':00'}");
            return new TableEntity(partition(i), PredictionTable.RowKeyOf(key))
            {
                [PredictionTable.KeyProperty] = key,
                [PredictionTable.VersionProperty] = "0001",
                [PredictionTable.ScoredAtProperty] = scoredAt,
                [PredictionTable.DropProperty] = "bike-demand/2011/01/01.csv",
                [PredictionTable.RowProperty] = (long)i + 1,
                ["prediction"] = 100.0 + (i % 500),
            };
        })];
    }

    private static void Report(int rows, int rounds, Dictionary<(int Layout, int Mode), List<double>> measured)
    {
        var baseline = measured[(0, 0)];
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Table upload into Azurite: {rows:N0} rows a write, {rounds} interleaved rounds, median (range); ÷ baseline within each round"));
        Console.WriteLine();
        Console.WriteLine("| layout | writes | rows/s | ÷ one entity a request, 1 in flight |");
        Console.WriteLine("|---|---|---:|---:|");
        foreach (var ((layout, mode), values) in measured.OrderBy(m => m.Key.Layout).ThenBy(m => m.Key.Mode))
        {
            var ratios = values.Zip(baseline, (mine, theirs) => mine / theirs).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {Layouts[layout].Name} | {Modes[mode].Name} | {Stats.Median(values):N0} ({values.Min():N0}–{values.Max():N0}) | {Stats.Median(ratios):F1} |"));
        }
    }
}
