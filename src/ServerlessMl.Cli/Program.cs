using ServerlessMl.Cli;
using ServerlessMl.Cli.Commands;
using ServerlessMl.Cli.Serve;

// A plain `serve` line skips the command-line library: a cold instance waits for its start-up.
return await CliErrors.RunAsync(() => ServeArguments.TryBind(args) is { } serve
    ? ServeCommand.ServeAsync(serve, CancellationToken.None)
    : CliApp.RunAsync(args));
