using System.Diagnostics;

namespace ServerlessMl.Cli.Tests;

/// <summary>Runs the built <c>serverless-ml</c> as a separate process, as a user would.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = Process.Start(StartInfo(environment, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // A command that should have ended (a refused `serve`) must not outlive the test.
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// The command line and environment for a <c>serverless-ml</c> process, output redirected. Its
    /// storage deadline is the test apps' (far above what a busy machine needs) unless the test
    /// sets one: with the shipped default, a loaded machine turns a slow first load or first contact
    /// into a 503 or a storage failure.
    /// </summary>
    public static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string>? environment, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "serverless-ml.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("ModelStorage");
        start.Environment["ModelStorage__TimeoutSeconds"] = Testing.TestApp.StorageTimeoutSeconds;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return start;
    }
}
