using ServerlessMl.Reporting;

namespace ServerlessMl.Definitions;

/// <summary>
/// Live quality through the definition's own metric code: the numbers a day of served answers
/// gets are computed exactly as the gate computed the version's on its held-out rows.
/// </summary>
internal static class LiveScoring
{
    /// <summary>The task's metrics of (truth, score) pairs.</summary>
    public static QualityMetrics MetricsOf(this IModelDefinition definition, IEnumerable<(double Actual, double Score)> pairs)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return definition.Metrics(pairs.Select(p => new ScoredRow(p.Actual, p.Score, [])));
    }

    /// <summary>Whether <paramref name="value"/> of <paramref name="metric"/> is on the wrong side of <paramref name="floor"/>, as the gate decides it.</summary>
    public static bool IsWorseThan(string metric, double value, double floor) =>
        MetricNames.HigherIsBetter(metric) ? value < floor : value > floor;
}

/// <summary>Reads the <c>Label</c> property of a model's features, typed, without reflection per row.</summary>
internal static class LabelOf<TFeatures, TLabel>
{
    private static readonly Func<TFeatures, TLabel> Getter = Create();

    public static TLabel Get(TFeatures features) => Getter(features);

    private static Func<TFeatures, TLabel> Create()
    {
        var property = typeof(TFeatures).GetProperty("Label");
        if (property?.GetMethod is not { } get || property.PropertyType != typeof(TLabel))
        {
            return _ => throw new InvalidOperationException($"{typeof(TFeatures).Name} has no {typeof(TLabel).Name} Label property.");
        }

        return (Func<TFeatures, TLabel>)get.CreateDelegate(typeof(Func<TFeatures, TLabel>));
    }
}
