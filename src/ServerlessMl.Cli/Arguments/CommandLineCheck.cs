using System.Globalization;

namespace ServerlessMl.Cli.Arguments;

/// <summary>
/// Checks a command line against the options its command declares, before anything runs: an
/// unknown option (with the nearest known one), a missing or empty value, a value that is not a
/// number where one is expected, a single-valued option given twice, a stray argument. Each is a
/// <see cref="CliException"/> (exit 2). The command-line library would otherwise pass unknown
/// options by silently, or explain a missing value in its own internal terms.
/// </summary>
internal static class CommandLineCheck
{
    private static readonly string[] HelpOptions = ["-h", "--help", "-?"];

    /// <param name="commands">Each runnable command's path ("models list") and its settings type.</param>
    public static void Check(IReadOnlyList<string> args, IReadOnlyDictionary<string, Type> commands)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(commands);

        // Help and version are the library's to answer, wherever they stand.
        if (args.Count == 0 || args.Any(a => HelpOptions.Contains(a, StringComparer.Ordinal)) || args[0] is "--version" or "-v")
        {
            return;
        }

        var words = args.TakeWhile(a => !a.StartsWith('-')).ToList();
        var (path, used) = Enumerable.Range(1, words.Count).Reverse()
            .Select(n => (Path: string.Join(' ', words.Take(n)), Used: n))
            .FirstOrDefault(c => commands.ContainsKey(c.Path));
        if (path is null)
        {
            Incomplete(words, commands);
            return; // an unknown command: the library names it
        }

        CheckOptions(args, used, path, CommandOptions.Of(commands[path]));
    }

    /// <summary>Every token after the command's words: a known option, given once, with a value that converts where it takes one.</summary>
    private static void CheckOptions(IReadOnlyList<string> args, int first, string path, CommandOptions options)
    {
        var given = new HashSet<System.Reflection.PropertyInfo>();
        for (var i = first; i < args.Count; i++)
        {
            var token = args[i];
            if (!LooksLikeOption(token))
            {
                throw new CliException($"unexpected argument '{token}' for {path} (see {path} --help)");
            }

            var equals = token.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? token[..equals] : token;
            if (!options.TryGet(name, out var property))
            {
                throw new CliException($"unknown option '{name}' for {path}; {Suggest(name, options)}");
            }

            if (!given.Add(property) && !CommandOptions.IsRepeatable(property))
            {
                throw new CliException($"{name} is given twice; give it once");
            }

            if (CommandOptions.IsFlag(property))
            {
                if (equals > 0)
                {
                    throw new CliException($"{name} is a flag and takes no value");
                }

                continue;
            }

            string value;
            if (equals > 0)
            {
                value = token[(equals + 1)..];
            }
            else if (i + 1 < args.Count && !LooksLikeOption(args[i + 1]))
            {
                value = args[++i];
            }
            else
            {
                throw new CliException($"{name} needs a value (see {path} --help)");
            }

            CheckValue(name, value, property.PropertyType);
        }
    }

    private static void CheckValue(string name, string value, Type type)
    {
        if (value.Length == 0)
        {
            throw new CliException($"{name} is empty; give it a value or leave it out");
        }

        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(int) && !int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw new CliException($"{name} must be a whole number, not '{value}'");
        }

        if (target == typeof(double) && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            throw new CliException($"{name} must be a number, not '{value}'");
        }
    }

    // "-3" is a value (a negative number); "-x" and "--x" are options.
    private static bool LooksLikeOption(string token) =>
        token.Length > 1 && token[0] == '-' && !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    // "models" alone: a group of commands, not one; say which.
    private static void Incomplete(List<string> words, IReadOnlyDictionary<string, Type> commands)
    {
        var prefix = string.Join(' ', words) + " ";
        var under = commands.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k[prefix.Length..]).Where(k => !k.Contains(' ', StringComparison.Ordinal)).ToList();
        if (words.Count > 0 && under.Count > 0)
        {
            throw new CliException($"{prefix.TrimEnd()} needs a command: {string.Join(", ", under)} (see {prefix.TrimEnd()} --help)");
        }
    }

    private static string Suggest(string name, CommandOptions options)
    {
        var nearest = options.LongNames.Select(o => (Option: o, Distance: Distance(name, o))).MinBy(c => c.Distance);
        return nearest.Option is not null && nearest.Distance <= Math.Max(2, name.Length / 3)
            ? $"did you mean {nearest.Option}?"
            : $"its options: {string.Join(", ", options.LongNames)}";
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
