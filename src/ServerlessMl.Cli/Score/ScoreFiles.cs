using System.Globalization;
using Microsoft.ML;
using ServerlessMl.Scoring;
using Spectre.Console;

namespace ServerlessMl.Cli.Score;

/// <summary>
/// <c>score --input</c>: scores the files in order into one output (a file, or CSV on stdout),
/// with a status line on a terminal, then says on stderr what was scored and what was not.
/// </summary>
internal static class ScoreFiles
{
    /// <summary>Inputs at least this large get a status line on a terminal; smaller ones finish before it would show.</summary>
    private const long StatusBytes = 4 << 20;

    /// <param name="output">The output file's full path; null for CSV on stdout.</param>
    /// <returns>The exit code: 0 when rows were scored and every file could be read, else <see cref="CliErrors.Usage"/>.</returns>
    public static int Run(IBatchScorer scorer, ITransformer model, string version, IReadOnlyList<ScoreInput> inputs, string? output)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(inputs);
        var tally = new ScoreTally();
        var completed = false;
        if (output is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        }

        try
        {
            using (var writer = ScoreWriter.Create(output is null ? Console.OpenStandardOutput() : File.Create(output), IsJsonLines(output), scorer.FieldNames))
            {
                var scoring = new FileScoring(scorer, model, version, writer);
                if (ShowsStatus(inputs, output))
                {
                    Ui.Err.Status().Start("Scoring", status => ScoreAll(scoring, inputs, tally, (input, rows) =>
                        status.Status(string.Create(CultureInfo.InvariantCulture, $"Scoring {input.Name}: {rows:N0} rows"))));
                }
                else
                {
                    ScoreAll(scoring, inputs, tally, null);
                }

                writer.Flush();
            }

            completed = true;
        }
        finally
        {
            // A run that broke off leaves no half-written file to be taken for a whole one.
            if (!completed && output is not null)
            {
                File.Delete(output);
            }
        }

        return Report(tally, inputs.Count, version, output);
    }

    /// <summary>True for a path ending in .jsonl; anything else is CSV.</summary>
    public static bool IsJsonLines(string? output) =>
        output is not null && output.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);

    private static void ScoreAll(FileScoring scoring, IReadOnlyList<ScoreInput> inputs, ScoreTally tally, Action<ScoreInput, long>? progress)
    {
        foreach (var input in inputs)
        {
            progress?.Invoke(input, tally.Rows);
            scoring.Score(input, tally, progress is null ? null : rows => progress(input, rows));
        }
    }

    // Only for a person watching: never into a redirected stderr, nor over CSV going to the terminal.
    private static bool ShowsStatus(IReadOnlyList<ScoreInput> inputs, string? output) =>
        !Console.IsErrorRedirected
        && (output is not null || Console.IsOutputRedirected)
        && inputs.Sum(i => i.SizeBytes) >= StatusBytes;

    private static int Report(ScoreTally tally, int files, string version, string? output)
    {
        foreach (var refused in tally.FirstRefused)
        {
            Console.Error.WriteLine($"refused: {refused.Blob}, row {refused.Row}: {refused.Reason}");
        }

        if (tally.Refused > tally.FirstRefused.Count)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"refused: {tally.Refused - tally.FirstRefused.Count:N0} more rows (the first {ScoreTally.ListedRefused} are listed)"));
        }

        foreach (var problem in tally.Unreadable)
        {
            Console.Error.WriteLine($"unreadable: {problem}");
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{tally.Scored:N0} rows scored with version {version}, {tally.Refused:N0} refused, from {files - tally.Unreadable.Count} of {files} file(s){(output is null ? string.Empty : " into " + output)}."));
        if (tally.Unreadable.Count > 0)
        {
            Console.Error.WriteLine($"error: {tally.Unreadable.Count} of {files} file(s) could not be read (listed above); the rows of the others are written.");
            return CliErrors.Usage;
        }

        if (tally.Scored == 0)
        {
            Console.Error.WriteLine("error: no row could be scored" + (tally.Refused > 0 ? " (every row was refused: listed above)." : ": the input holds no rows."));
            return CliErrors.Usage;
        }

        return 0;
    }
}
