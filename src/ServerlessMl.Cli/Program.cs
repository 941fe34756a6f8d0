using ServerlessMl.Cli;
using ServerlessMl.Training;
using Spectre.Console;

try
{
    return await CliApp.Create().RunAsync(args);
}
catch (Exception ex) when (ex is CliException or DataValidationException or FileNotFoundException or Spectre.Console.Cli.CommandParseException or Spectre.Console.Cli.CommandRuntimeException)
{
    // What the user can fix is said plainly; anything else keeps its stack trace.
    Ui.Err.MarkupLineInterpolated($"[red]error:[/] {ex.Message}");
    return 2;
}
