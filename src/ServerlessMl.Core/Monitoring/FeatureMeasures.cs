using System.Reflection;
using System.Text.Json;

namespace ServerlessMl.Monitoring;

/// <summary>
/// A model's features as the numbers drift is measured on: each numeric or boolean property of
/// <typeparamref name="TFeatures"/> as it is, each text property as its length in characters
/// (<c>Text.length</c>); the label and vector-valued properties are left out. The same measures are
/// taken of logged requests and of the training rows they are compared with.
/// </summary>
internal sealed class FeatureMeasures<TFeatures>
    where TFeatures : class
{
    public const string LengthSuffix = ".length";

    private readonly (string Name, Func<TFeatures, double> Of)[] _measures;
    private readonly JsonEncodedText[] _encodedNames;

    private FeatureMeasures()
    {
        _measures = [.. typeof(TFeatures).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.Name != "Label")
            .Select(Measure)
            .OfType<(string, Func<TFeatures, double>)>()
            .OrderBy(m => m.Item1, StringComparer.Ordinal)];
        _encodedNames = [.. _measures.Select(m => JsonEncodedText.Encode(m.Name))];
        TextProperties = [.. typeof(TFeatures).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.PropertyType == typeof(string) && p.Name != "Label")
            .Select(p => (p.Name, (Func<TFeatures, string?>)p.GetMethod!.CreateDelegate(typeof(Func<TFeatures, string?>))))];
    }

    /// <summary>The one instance for the type: reflection runs once.</summary>
    public static FeatureMeasures<TFeatures> Instance { get; } = new();

    /// <summary>The measures' names, in order.</summary>
    public IEnumerable<string> Names => _measures.Select(m => m.Name);

    /// <summary>The text properties and how to read each, for measures of their tokens.</summary>
    public IReadOnlyList<(string Name, Func<TFeatures, string?> Of)> TextProperties { get; }

    /// <summary>Every measure of one row of features.</summary>
    public Dictionary<string, double> Of(TFeatures features)
    {
        var values = new Dictionary<string, double>(_measures.Length, StringComparer.Ordinal);
        foreach (var (name, of) in _measures)
        {
            values[name] = of(features);
        }

        return values;
    }

    /// <summary>Every measure of one row of features as a JSON object of numbers: the log line's features, with no dictionary in between.</summary>
    public void Write(Utf8JsonWriter writer, TFeatures features)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        for (var i = 0; i < _measures.Length; i++)
        {
            LogNumbers.Write(writer, _encodedNames[i], _measures[i].Of(features));
        }

        writer.WriteEndObject();
    }

    private static (string, Func<TFeatures, double>)? Measure(PropertyInfo property)
    {
        var type = property.PropertyType;
        var get = property.GetMethod!;
        return type switch
        {
            _ when type == typeof(float) => (property.Name, Getter<float>(get, v => v)),
            _ when type == typeof(double) => (property.Name, Getter<double>(get, v => v)),
            _ when type == typeof(int) => (property.Name, Getter<int>(get, v => v)),
            _ when type == typeof(long) => (property.Name, Getter<long>(get, v => v)),
            _ when type == typeof(bool) => (property.Name, Getter<bool>(get, v => v ? 1 : 0)),
            _ when type == typeof(string) => (property.Name + LengthSuffix, Getter<string?>(get, v => v?.Length ?? 0)),
            _ => null,
        };
    }

    private static Func<TFeatures, double> Getter<T>(MethodInfo get, Func<T, double> toNumber)
    {
        var read = (Func<TFeatures, T>)get.CreateDelegate(typeof(Func<TFeatures, T>));
        return row => toNumber(read(row));
    }
}
