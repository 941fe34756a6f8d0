using Microsoft.ML;
using ServerlessMl.Definitions;

namespace ServerlessMl.Monitoring;

/// <summary>
/// What drift is measured against: a version's training rows, featurized as they were for
/// training, reduced to each measure's bins and shares, and each text feature's vocabulary.
/// Cached beside the live results, never in the version's own folder.
/// </summary>
internal sealed record DriftBaseline(
    string Version,
    long Rows,
    IReadOnlyList<MeasureBins> Measures,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Vocabularies);

/// <summary>Builds a <see cref="DriftBaseline"/> from local copies of a version's drops, with the model's own types.</summary>
internal sealed class DriftBaselineBuilder(IModelDefinition definition, string version, IReadOnlyList<string> localPaths) : IServingVisitor<DriftBaseline>
{
    public DriftBaseline Visit<TRequest, TFeatures, TPrediction, TItem>(IServedModel<TRequest, TFeatures, TPrediction, TItem> model)
        where TRequest : class
        where TFeatures : class, new()
        where TPrediction : class, new()
    {
        var ml = new MLContext(seed: 1);
        var measures = FeatureMeasures<TFeatures>.Instance;
        var values = measures.Names.ToDictionary(n => n, _ => new List<double>(), StringComparer.Ordinal);
        var vocabularies = measures.TextProperties.ToDictionary(p => p.Name, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        long rows = 0;
        foreach (var row in ml.Data.CreateEnumerable<TFeatures>(definition.LoadFeatures(ml, localPaths), reuseRowObject: true))
        {
            rows++;
            foreach (var (name, value) in measures.Of(row))
            {
                values[name].Add(value);
            }

            foreach (var (name, of) in measures.TextProperties)
            {
                vocabularies[name].UnionWith(TextTokens.Of(of(row)));
            }
        }

        return new DriftBaseline(
            version,
            rows,
            [.. values.Select(v => Psi.BinsOf(v.Key, v.Value))],
            vocabularies.ToDictionary(v => v.Key, v => (IReadOnlyList<string>)[.. v.Value.Order(StringComparer.Ordinal)], StringComparer.Ordinal));
    }
}
