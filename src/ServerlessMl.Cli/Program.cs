using ServerlessMl.Cli;

return await CliErrors.RunAsync(() => CliApp.Create().RunAsync(args));
