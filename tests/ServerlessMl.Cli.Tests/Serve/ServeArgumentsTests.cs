using System.Reflection;
using ServerlessMl.Cli.Commands;
using ServerlessMl.Cli.Serve;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli.Tests.Serve;

/// <summary>
/// serve's start-up binder must give exactly what the full command-line parser gives, and leave
/// every line it does not fully understand to that parser.
/// </summary>
public sealed class ServeArgumentsTests
{
    public static TheoryData<string> PlainLines() =>
    [
        "serve",
        "serve --port 0",
        "serve -p 7071 --lazy",
        "serve --host 0.0.0.0 --api-key k1 --admin-key k2",
        "serve --lazy --port 5123",
        "serve --connection UseDevelopmentStorage=true",
        "serve --blob-uri https://account.blob.core.windows.net --host 127.0.0.1",
    ];

    [Theory]
    [MemberData(nameof(PlainLines))]
    public void BindsAPlainLineAsTheFullParserDoes(string line)
    {
        var args = line.Split(' ');
        var bound = ServeArguments.TryBind(args);
        Assert.NotNull(bound);

        var parsed = ParseWithSpectre(args);
        foreach (var property in typeof(ServeCommand.Settings).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            Assert.True(Equals(property.GetValue(parsed), property.GetValue(bound)), $"{property.Name}: the full parser gives '{property.GetValue(parsed)}', the binder '{property.GetValue(bound)}' for '{line}'");
        }
    }

    [Theory]
    [InlineData("serve --help")]
    [InlineData("serve -h")]
    [InlineData("serve --prot 7071")]
    [InlineData("serve --port")]
    [InlineData("serve --port seventy")]
    [InlineData("serve --port -1")]
    [InlineData("serve --port 70000")]
    [InlineData("serve --port 1 --port 2")]
    [InlineData("serve --port=7071")]
    [InlineData("serve --lazy true")]
    [InlineData("serve extra")]
    [InlineData("Serve")]
    [InlineData("train --model bike-demand")]
    [InlineData("--version")]
    [InlineData("")]
    public void LeavesEverythingElseToTheFullParser(string line)
    {
        Assert.Null(ServeArguments.TryBind(line.Length == 0 ? [] : line.Split(' ')));
    }

    private static ServeCommand.Settings ParseWithSpectre(string[] args)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.PropagateExceptions();
            config.AddCommand<Capture>(ServeArguments.Command);
        });
        Capture.Last = null;
        Assert.Equal(0, app.Run(args));
        return Capture.Last ?? throw new InvalidOperationException("the command did not run");
    }

    private sealed class Capture : Command<ServeCommand.Settings>
    {
        [ThreadStatic]
        public static ServeCommand.Settings? Last;

        public override int Execute(CommandContext context, ServeCommand.Settings settings, CancellationToken cancellationToken)
        {
            Last = settings;
            return 0;
        }
    }
}
