using System.Reflection;
using Spectre.Console.Cli;

namespace ServerlessMl.Cli.Arguments;

/// <summary>
/// A command's options as its settings class declares them with <see cref="CommandOptionAttribute"/>:
/// every spelling (<c>--port</c>, <c>-p</c>) to the property it sets.
/// </summary>
internal sealed class CommandOptions
{
    private readonly Dictionary<string, PropertyInfo> _byName;

    private CommandOptions(Dictionary<string, PropertyInfo> byName, IReadOnlyList<string> longNames)
    {
        _byName = byName;
        LongNames = longNames;
    }

    /// <summary>The visible long spellings (<c>--port</c>), in declaration order: what a suggestion may name.</summary>
    public IReadOnlyList<string> LongNames { get; }

    public static CommandOptions Of(Type settingsType)
    {
        ArgumentNullException.ThrowIfNull(settingsType);
        var byName = new Dictionary<string, PropertyInfo>(StringComparer.Ordinal);
        var longNames = new List<string>();
        foreach (var property in settingsType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<CommandOptionAttribute>() is not { } option)
            {
                continue;
            }

            foreach (var name in option.LongNames)
            {
                byName.Add("--" + name, property);
                if (!option.IsHidden)
                {
                    longNames.Add("--" + name);
                }
            }

            foreach (var name in option.ShortNames)
            {
                byName.Add("-" + name, property);
            }
        }

        return new CommandOptions(byName, longNames);
    }

    public bool TryGet(string name, out PropertyInfo property) => _byName.TryGetValue(name, out property!);

    /// <summary>A bare flag: given, it is true; it takes no value.</summary>
    public static bool IsFlag(PropertyInfo property) => property?.PropertyType == typeof(bool);

    /// <summary>Options that may be given several times, each adding a value (<c>--every 7d --every 28d</c>).</summary>
    public static bool IsRepeatable(PropertyInfo property) => property?.PropertyType.IsArray == true;
}
