using ServerlessMl.Cli;
using ServerlessMl.Cli.Serve;

StartupTimeline.Mark("main");

return await CliErrors.RunAsync(() => CliApp.Create().RunAsync(args));
