using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using ServerlessMl.Cli;
using ServerlessMl.Scoring;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// The memory side of <c>batch-scoring</c>: our path over one drop in a process of its own
/// (<c>batch-scoring-memory MODEL MODEL_ZIP DROP</c>), so what it reports is that drop's alone: the
/// process's peak working set, the largest managed heap sampled every 10 ms, and the bytes
/// allocated. Run for N and 10N rows, a streaming path shows the same peaks for both.
/// </summary>
internal static class BatchScoringMemory
{
    /// <summary>What one child process measured.</summary>
    public sealed record Peak(long Rows, long PeakWorkingSetBytes, long MaxHeapBytes, long AllocatedBytes);

    /// <summary>The child: scores the drop with the zip, then prints one JSON <see cref="Peak"/> on stdout.</summary>
    public static int Child(string model, string zip, string drop)
    {
        var definition = CliModels.Catalog.Get(model);
        var scorer = BatchScorerFactory.For(definition)!;
        var transformer = new MLContext().Model.Load(zip, out _);
        var output = drop + ".memory.csv";
        long maxHeap = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                maxHeap = Math.Max(maxHeap, GC.GetTotalMemory(false));
                await Task.Delay(10, CancellationToken.None);
            }
        });
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var rows = BatchScoringSubject.Ours(scorer, transformer, drop, output).Scored;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        stop.Cancel();
        sampler.Wait();
        File.Delete(output);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine(JsonSerializer.Serialize(new Peak(rows, process.PeakWorkingSet64, Math.Max(maxHeap, GC.GetTotalMemory(false)), allocated)));
        return 0;
    }

    /// <summary>Runs the child for one drop and reads what it measured.</summary>
    public static Peak Measure(BatchScoringSubject subject, string drop)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };

        // Run as `dotnet ServerlessMl.Benchmarks.dll`, the host needs the assembly; run as its own executable, it does not.
        if (string.Equals(Path.GetFileNameWithoutExtension(Environment.ProcessPath), "dotnet", StringComparison.Ordinal))
        {
            start.ArgumentList.Add(typeof(BatchScoringMemory).Assembly.Location);
        }

        foreach (var arg in new[] { "batch-scoring-memory", subject.Name, subject.ZipPath, drop })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return process.ExitCode == 0 && JsonSerializer.Deserialize<Peak>(stdout.Result) is { } peak
            ? peak
            : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"the memory run of {subject.Name} failed (exit {process.ExitCode}): {stderr.Result}"));
    }
}
