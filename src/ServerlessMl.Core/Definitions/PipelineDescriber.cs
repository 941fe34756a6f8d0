using System.Collections;
using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace ServerlessMl.Definitions;

/// <summary>
/// A pipeline's steps and their settings, read off the estimators themselves, so what a manifest
/// records as "the recipe" cannot drift from the code that fits it: changing a trainer, a step or
/// any option changes the description, and with it the decision to retrain.
/// </summary>
internal static class PipelineDescriber
{
    private const int MaxDepth = 4;
    private const int MaxItems = 1_000;

    public static TrainerDescription Describe(IEstimator<ITransformer> pipeline, int recipeVersion = 1)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var steps = new List<string>();
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["recipeVersion"] = recipeVersion.ToString(CultureInfo.InvariantCulture),
        };
        AddSteps(pipeline, steps, parameters);
        return new TrainerDescription(string.Join(" > ", steps), parameters);
    }

    private static void AddSteps(object estimator, List<string> steps, IDictionary<string, string> parameters)
    {
        var type = estimator.GetType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EstimatorChain<>)
            && Field(type, "_estimators")?.GetValue(estimator) is IEnumerable chain)
        {
            foreach (var step in chain)
            {
                AddSteps(step, steps, parameters);
            }

            return;
        }

        var name = StepName(type);
        var prefix = string.Create(CultureInfo.InvariantCulture, $"{steps.Count + 1}.{name}");
        steps.Add(name);
        AddSettings(estimator, prefix, parameters, 0, new HashSet<object>(ReferenceEqualityComparer.Instance));
    }

    private static void AddSettings(object value, string prefix, IDictionary<string, string> parameters, int depth, HashSet<object> seen)
    {
        if (!seen.Add(value))
        {
            return;
        }

        foreach (var field in AllFields(value.GetType()))
        {
            var fieldValue = field.GetValue(value);
            var key = prefix + "." + FieldName(field);
            if (Simple(fieldValue) is { } text)
            {
                parameters[key] = text;
            }
            else if (fieldValue is not string and IEnumerable items && IsCollection(fieldValue) && depth < MaxDepth)
            {
                AddItems(items, key, parameters, depth, seen);
            }
            else if (fieldValue is not null && depth < MaxDepth && Worth(fieldValue.GetType()))
            {
                AddSettings(fieldValue, key, parameters, depth + 1, seen);
            }
        }
    }

    /// <summary>
    /// A collection's items (column names, n-gram lengths, column options): simple ones by their
    /// text, settings objects setting by setting. An unordered collection's items are sorted, since
    /// its order (a hash set's) can differ between processes.
    /// </summary>
    private static void AddItems(IEnumerable items, string key, IDictionary<string, string> parameters, int depth, HashSet<object> seen)
    {
        var all = items.Cast<object?>().Take(MaxItems).ToList();
        var texts = all.Select(Simple).ToList();
        if (items is not IList && texts.All(t => t is not null))
        {
            texts.Sort(StringComparer.Ordinal);
        }

        for (var i = 0; i < all.Count; i++)
        {
            var itemKey = string.Create(CultureInfo.InvariantCulture, $"{key}[{i}]");
            if (texts[i] is { } text)
            {
                parameters[itemKey] = text;
            }
            else if (all[i] is { } item && Worth(item.GetType()))
            {
                AddSettings(item, itemKey, parameters, depth + 1, seen);
            }
        }
    }

    /// <summary>A collection that holds its items (an array, a list, a set), not a buffer or a lazy sequence that may not enumerate safely.</summary>
    private static bool IsCollection(object value) =>
        value is ICollection
        || value.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyCollection<>));

    private static string? Simple(object? value) => value switch
    {
        null => null,
        string s => s,
        Enum e => e.ToString(),
        nint or nuint => null,
        IFormattable f when value.GetType().IsPrimitive || value is decimal => f.ToString(null, CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>Settings objects of ML.NET (options, column descriptions, nested estimators); not its plumbing.</summary>
    private static bool Worth(Type? type) =>
        type is not null
        && !type.IsPrimitive
        && type.Assembly.GetName().Name?.StartsWith("Microsoft.ML", StringComparison.Ordinal) == true
        && !typeof(IExceptionContext).IsAssignableFrom(type)
        && !typeof(Delegate).IsAssignableFrom(type)
        && !typeof(IDataView).IsAssignableFrom(type)
        && type != typeof(DataViewSchema);

    private static IEnumerable<FieldInfo> AllFields(Type type)
    {
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly).OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                yield return field;
            }
        }
    }

    private static FieldInfo? Field(Type type, string name) =>
        AllFields(type).FirstOrDefault(f => f.Name == name);

    private static string FieldName(FieldInfo field) =>
        field.Name.StartsWith('<') ? field.Name[1..field.Name.IndexOf('>', StringComparison.Ordinal)] : field.Name.TrimStart('_');

    private static string StepName(Type type)
    {
        var name = type.IsGenericType ? type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] : type.Name;
        foreach (var suffix in (string[])["Estimator", "Trainer"])
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && name.Length > suffix.Length)
            {
                name = name[..^suffix.Length];
            }
        }

        return name;
    }
}
