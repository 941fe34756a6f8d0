using ServerlessMl.Definitions;
using Microsoft.Extensions.Options;
using ServerlessMl.Storage;
using ServerlessMl.Training;

namespace ServerlessMl.Cli;

/// <summary>
/// Turns every failure into one or two lines on stderr and the exit code the README documents:
/// 2 for what the user can fix in the command, its settings or the data; 1 for a job that failed
/// or was busy, or storage that could not be reached. Nothing ends in a stack trace unless
/// SERVERLESSML_DEBUG is set.
/// </summary>
public static class CliErrors
{
    public const int Failed = 1;
    public const int Usage = 2;

    public static async Task<int> RunAsync(Func<Task<int>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            return await run();
        }
        catch (Exception ex)
        {
            var (code, message) = Describe(ex);

            // Plain text, not the console's markup: an error stays one line however narrow the terminal.
            Console.Error.WriteLine($"error: {message}");
            if (Environment.GetEnvironmentVariable("SERVERLESSML_DEBUG") is { Length: > 0 })
            {
                Console.Error.WriteLine(ex.ToString());
            }

            return code;
        }
    }

    public static (int Code, string Message) Describe(Exception exception) => exception switch
    {
        CliException or DataValidationException or FileNotFoundException or DirectoryNotFoundException or KeyNotFoundException
            => (Usage, exception.Message),
        Spectre.Console.Cli.CommandParseException or Spectre.Console.Cli.CommandRuntimeException
            => (Usage, exception.Message + " (see --help)"),
        OptionsValidationException options => (Usage, string.Join(" ", options.Failures)),
        InvalidOperationException { Message: var m } when m.StartsWith("Failed to convert configuration value", StringComparison.Ordinal)
            => (Usage, ConfigurationMessage(exception)),
        _ when StorageFailure.Is(exception)
            => (Failed, $"{StorageFailure.Reason(exception)}. Check that it is running (scripts/azurite.sh start) and that --connection, --blob-uri or ModelStorage point at it, then run the command again."),
        UnauthorizedAccessException or IOException => (Failed, exception.Message),
        _ => (Failed, $"unexpected {exception.GetType().Name}: {exception.Message} (set SERVERLESSML_DEBUG=1 for the stack trace; please report it)"),
    };

    // "Failed to convert configuration value 'abc' at 'Serving:MaxBatch' to type 'System.Int32'."
    // names the key in configuration's form; users set it as an environment variable.
    private static string ConfigurationMessage(Exception exception)
    {
        var match = System.Text.RegularExpressions.Regex.Match(exception.Message, " at '(?<key>[^']+)'", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        return match.Success
            ? $"Setting '{match.Groups["key"].Value.Replace(":", "__", StringComparison.Ordinal)}' has a value of the wrong type (e.g. text where a number is expected); fix or unset it."
            : exception.Message;
    }
}
