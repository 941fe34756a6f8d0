using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServerlessMl.Definitions;

/// <summary>
/// A task's quality metrics on a set of rows, by name (<see cref="MetricNames"/>), in the label's
/// own units. Written as one flat JSON object with <c>rows</c>, so manifests from before tasks
/// existed (<c>{"rSquared":…,"rmse":…,"mae":…,"rows":…}</c>) read as they are.
/// </summary>
[JsonConverter(typeof(QualityMetricsJsonConverter))]
internal sealed class QualityMetrics : IEquatable<QualityMetrics>
{
    public QualityMetrics(IReadOnlyDictionary<string, double> values, long rows)
    {
        ArgumentNullException.ThrowIfNull(values);
        Values = new Dictionary<string, double>(values, StringComparer.Ordinal);
        Rows = rows;
    }

    public IReadOnlyDictionary<string, double> Values { get; }

    public long Rows { get; }

    /// <summary>The named metric, or NaN when these metrics do not have it.</summary>
    public double this[string name] => Values.TryGetValue(name, out var value) ? value : double.NaN;

    public bool Equals(QualityMetrics? other) =>
        other is not null
        && Rows == other.Rows
        && Values.Count == other.Values.Count
        && Values.All(v => other.Values.TryGetValue(v.Key, out var o) && o.Equals(v.Value));

    public override bool Equals(object? obj) => Equals(obj as QualityMetrics);

    public override int GetHashCode() => HashCode.Combine(Rows, Values.Count);

    public override string ToString() =>
        string.Join(", ", Values.Select(v => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{v.Key} {v.Value:G6}"))) + $", rows {Rows}";
}

/// <summary>The metric names tasks report, and which way is better for each.</summary>
public static class MetricNames
{
    public const string RSquared = "rSquared";
    public const string Rmse = "rmse";
    public const string Mae = "mae";
    public const string Auc = "auc";
    public const string F1 = "f1";
    public const string Precision = "precision";
    public const string Recall = "recall";
    public const string Accuracy = "accuracy";
    public const string Mcc = "mcc";
    public const string LogLoss = "logLoss";

    /// <summary>Errors and losses are better low; every other metric here is better high.</summary>
    public static bool HigherIsBetter(string name) => name is not (Rmse or Mae or LogLoss);
}

internal sealed class QualityMetricsJsonConverter : JsonConverter<QualityMetrics>
{
    private const string RowsName = "rows";

    public override QualityMetrics Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("metrics must be a JSON object of numbers");
        }

        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        long rows = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (name == RowsName)
            {
                rows = reader.GetInt64();
            }
            else
            {
                values[name] = JsonSerializer.Deserialize<double>(ref reader, options);
            }
        }

        return new QualityMetrics(values, rows);
    }

    public override void Write(Utf8JsonWriter writer, QualityMetrics value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (name, metric) in value.Values)
        {
            writer.WritePropertyName(name);
            JsonSerializer.Serialize(writer, metric, options);
        }

        writer.WriteNumber(RowsName, value.Rows);
        writer.WriteEndObject();
    }
}
