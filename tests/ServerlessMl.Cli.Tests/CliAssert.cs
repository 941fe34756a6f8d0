namespace ServerlessMl.Cli.Tests;

/// <summary>What every refused command line must look like: the documented exit code, the message, one or two error lines, no stack trace.</summary>
internal static class CliAssert
{
    public static void ShortError((int ExitCode, string StdOut, string StdErr) result, int exitCode, string expected)
    {
        Assert.True(result.ExitCode == exitCode, $"exit {result.ExitCode}, expected {exitCode}: {result.StdErr}");
        Assert.Contains(expected, result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr + result.StdOut, StringComparison.Ordinal);
        var errorLines = result.StdErr.Split('\n').Count(l => l.StartsWith("error:", StringComparison.Ordinal) || l.Contains("failed:", StringComparison.Ordinal));
        Assert.InRange(errorLines, 1, 2);
    }
}
