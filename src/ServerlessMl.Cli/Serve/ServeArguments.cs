using System.Globalization;
using System.Reflection;
using ServerlessMl.Cli.Arguments;
using ServerlessMl.Cli.Commands;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli.Serve;

/// <summary>
/// Binds a plain <c>serve</c> command line to <see cref="ServeCommand.Settings"/> from the settings'
/// own <see cref="CommandOptionAttribute"/>s, without building the command-line library's app.
/// </summary>
/// <remarks>
/// A cold start waits for everything before the first prediction, and building that app (its help
/// styles, colour tables and command tree) is JIT work an instance pays at every scale-out. Only the
/// plain shape is bound here: known options, each given once, as <c>--name value</c> or a bare
/// flag, with non-empty values that convert and settings that validate. Anything else (help, a typo, a
/// value that does not convert) returns null and goes to the full parser,
/// which explains it; a line bound here gives the same settings the full parser would.
/// </remarks>
internal static class ServeArguments
{
    public const string Command = "serve";

    public static ServeCommand.Settings? TryBind(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0 || args[0] != Command)
        {
            return null;
        }

        var options = CommandOptions.Of(typeof(ServeCommand.Settings));
        var settings = new ServeCommand.Settings();
        var given = new HashSet<PropertyInfo>();
        for (var i = 1; i < args.Count; i++)
        {
            if (!options.TryGet(args[i], out var property) || !given.Add(property))
            {
                return null;
            }

            object? value;
            if (CommandOptions.IsFlag(property))
            {
                value = true;
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith('-') && Convert(args[++i], property.PropertyType) is { } converted)
            {
                value = converted;
            }
            else
            {
                return null;
            }

            property.SetValue(settings, value);
        }

        return settings.Validate().Successful ? settings : null;
    }

    private static object? Convert(string text, Type type) =>
        type == typeof(string) ? (text.Length == 0 ? null : text)
        : type == typeof(int) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number
        : null;
}
