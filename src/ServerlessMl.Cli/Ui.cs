using System.Text.Json;
using ServerlessMl.Registry;
using Spectre.Console;

namespace ServerlessMl.Cli;

/// <summary>Results go to stdout as JSON (so they can be piped); progress and messages go to stderr.</summary>
public static class Ui
{
    public static IAnsiConsole Err { get; } = CreateErr();

    public static void WriteJson<T>(T value) =>
        Console.Out.WriteLine(JsonSerializer.Serialize(value, RegistryJson.Options));

    /// <summary>Runs <paramref name="work"/> with a progress bar on stderr that counts <paramref name="total"/> steps.</summary>
    public static T WithProgress<T>(string title, int total, Func<IProgress<string>, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        T result = default!;
        Err.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(title, maxValue: Math.Max(1, total));
                result = work(new Progress(task));
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>The asynchronous form of <see cref="WithProgress{T}"/>.</summary>
    public static async Task<T> WithProgressAsync<T>(string title, int total, Func<IProgress<string>, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        T result = default!;
        await Err.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(title, maxValue: Math.Max(1, total));
                result = await work(new Progress(task));
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>Runs <paramref name="work"/> under a spinner on stderr.</summary>
    public static Task<T> WithStatusAsync<T>(string title, Func<Task<T>> work) =>
        Err.Status().StartAsync(title, _ => work());

    // Redirected, the console library assumes 80 columns and wraps there, which splits a command
    // meant for copying and the cells of a table; a log file or a pipe has no width to fit.
    private static IAnsiConsole CreateErr()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        if (Console.IsErrorRedirected)
        {
            console.Profile.Width = UnwrappedWidth;
        }

        return console;
    }

    private const int UnwrappedWidth = 4096;

    private sealed class Progress(ProgressTask task) : IProgress<string>
    {
        public void Report(string value) => task.Increment(1);
    }
}
