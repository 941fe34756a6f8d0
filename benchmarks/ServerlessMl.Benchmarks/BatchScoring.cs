using System.Diagnostics;
using System.Globalization;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// <c>batch-scoring [bike-rows] [spam-rows] [rounds] [table-rows] [memory-rows]</c> (default
/// 1,000,000, 100,000, 5, 10,000 and 100,000): the precompute path, file to file, against a floor
/// measured in the same run.
/// <para>
/// Throughput: for each model, our path (the CLI's offline scoring: <c>IBatchScorer.Score</c> over
/// the drop, every row checked, keyed and written to a CSV file) and the floor (ML.NET alone:
/// TextLoader into the model's input rows, its FromInput, LoadFromEnumerable, the same
/// transformer's Transform, one cursor reading the score column, nothing written) over the same
/// file, after a warm-up pass of each, in interleaved rounds whose order alternates. The ratio
/// ours/floor is taken within each round (rows/s over rows/s), then its median.
/// </para>
/// <para>
/// Memory: our path in a process of its own, for each model at memory-rows and ten times as many
/// (<see cref="BatchScoringMemory"/>); below about 100,000 rows a run ends while the garbage
/// collector is still sizing its budgets, so smaller runs show start-up, not growth. Table upload:
/// <see cref="TableUpload"/>.
/// </para>
/// </summary>
internal static class BatchScoring
{
    /// <summary>Ours over the floor, in rows/s: the target for the median over rounds.</summary>
    private const double TargetRatio = 0.8;

    /// <summary>Table upload rounds: each writes the rows once per mode into a new table.</summary>
    private const int TableRounds = 3;

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        int Arg(int index, int fallback) => args.Count > index ? int.Parse(args[index], NumberStyles.AllowThousands, CultureInfo.InvariantCulture) : fallback;
        var (bikeRows, spamRows, rounds, tableRows, memoryRows) = (Arg(0, 1_000_000), Arg(1, 100_000), Arg(2, 5), Arg(3, 10_000), Arg(4, 100_000));
        if (bikeRows < 1 || spamRows < 1 || rounds < 1 || tableRows < 1 || memoryRows < 1)
        {
            Console.Error.WriteLine("usage: batch-scoring [bike-rows] [spam-rows] [rounds] [table-rows] [memory-rows], each at least 1");
            return 2;
        }

        var scratch = Directory.CreateTempSubdirectory("serverless-ml-batch-scoring-").FullName;
        try
        {
            Console.Error.WriteLine("training the bike and spam models");
            var subjects = new[] { (Subject: BatchScoringSubject.Bike(scratch), Rows: bikeRows), (Subject: BatchScoringSubject.Spam(scratch), Rows: spamRows) };
            foreach (var (subject, rows) in subjects)
            {
                Console.Error.WriteLine($"{subject.Name}: trained on {subject.TrainedOn}; writing drops of {rows:N0} rows, and of {memoryRows:N0} and {memoryRows * 10:N0} for memory");
                foreach (var n in new[] { rows, memoryRows, memoryRows * 10 })
                {
                    subject.WriteDrop(scratch, n);
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Throughput, file to file: {rounds} interleaved rounds after a warm-up pass of each, median (range); ours ÷ floor within each round, target ≥ {TargetRatio:F1}"));
            Console.WriteLine();
            Console.WriteLine("| model | rows | drop MB | ours rows/s | floor rows/s | ours ÷ floor, median (range) | target met |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---|");
            foreach (var (subject, rows) in subjects)
            {
                Throughput(subject, subject.WriteDrop(scratch, rows), rows, rounds, scratch);
            }

            Console.WriteLine();
            Console.WriteLine("Peak memory of our path, each drop in a process of its own (10 ms samples of the managed heap)");
            Console.WriteLine();
            Console.WriteLine("| model | rows | peak working set MB | max managed heap MB | allocated MB | allocated B/row |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            foreach (var (subject, _) in subjects)
            {
                foreach (var n in new[] { memoryRows, memoryRows * 10 })
                {
                    var peak = BatchScoringMemory.Measure(subject, subject.WriteDrop(scratch, n));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {subject.Name} | {peak.Rows:N0} | {peak.PeakWorkingSetBytes / 1048576.0:F0} | {peak.MaxHeapBytes / 1048576.0:F0} | {peak.AllocatedBytes / 1048576.0:F0} | {peak.AllocatedBytes / (double)peak.Rows:F0} |"));
                }
            }

            await TableUpload.RunAsync(tableRows, Math.Min(rounds, TableRounds));
            return 0;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static void Throughput(BatchScoringSubject subject, string drop, int rows, int rounds, string scratch)
    {
        var output = Path.Combine(scratch, subject.Name + "-scored.csv");
        var ours = new List<double>();
        var floor = new List<double>();
        double Ours() => Timed(rows, () => subject.Ours(drop, output));
        double Floor() => Timed(rows, () => subject.Floor(drop));
        Ours();
        Floor();
        for (var round = 0; round < rounds; round++)
        {
            if (round % 2 == 0)
            {
                ours.Add(Ours());
                floor.Add(Floor());
            }
            else
            {
                floor.Add(Floor());
                ours.Add(Ours());
            }

            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{subject.Name}: round {round + 1} of {rounds}: ours {ours[^1]:N0} rows/s, floor {floor[^1]:N0} rows/s"));
        }

        var ratios = ours.Zip(floor, (o, f) => o / f).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {subject.Name} | {rows:N0} | {new FileInfo(drop).Length / 1048576.0:F1} | {Stats.Median(ours):N0} ({ours.Min():N0}–{ours.Max():N0}) | {Stats.Median(floor):N0} ({floor.Min():N0}–{floor.Max():N0}) | {Stats.Median(ratios):F2} ({ratios.Min():F2}–{ratios.Max():F2}) | {(Stats.Median(ratios) >= TargetRatio ? "yes" : "no")} |"));
    }

    /// <summary>Rows/s of one pass, which must see every row.</summary>
    private static double Timed(int rows, Func<long> pass)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var watch = Stopwatch.StartNew();
        var seen = pass();
        var seconds = watch.Elapsed.TotalSeconds;
        return seen == rows ? rows / seconds : throw new InvalidOperationException($"a pass saw {seen} rows of {rows}");
    }
}

/// <summary>Small statistics the benchmarks report.</summary>
internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
