namespace ServerlessMl.Monitoring;

/// <summary>
/// The population stability index of one measure: bins fixed on the baseline (quantiles, or one
/// per value for a measure with few distinct values), then Σ (actual − expected) · ln(actual / expected)
/// over the bins' shares. An empty bin gets a small share instead of zero, so one bin the day
/// never reached does not make the index infinite.
/// </summary>
internal static class Psi
{
    public const int Bins = 10;

    /// <summary>The share an empty bin is given.</summary>
    public const double Epsilon = 1e-4;

    /// <summary>The bins of a baseline measure and the baseline's share in each.</summary>
    public static MeasureBins BinsOf(string name, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        var distinct = sorted.Distinct().ToArray();
        MeasureBins bins;
        if (distinct.Length <= Bins)
        {
            // A category or a flag: a value never seen in training falls in the extra bin.
            bins = new MeasureBins(name, Categorical: true, distinct, []);
        }
        else
        {
            var edges = Enumerable.Range(1, Bins - 1)
                .Select(i => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(i * sorted.Length / (double)Bins) - 1)])
                .Distinct()
                .ToArray();
            bins = new MeasureBins(name, Categorical: false, edges, []);
        }

        return bins with { Shares = Shares(bins, sorted) };
    }

    /// <summary>The index of <paramref name="values"/> against the baseline's <paramref name="bins"/>; NaN when there are no values.</summary>
    public static double Of(MeasureBins bins, IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(bins);

        // No share per bin: the baseline had no finite value of the measure, so there is nothing to compare with.
        if (bins.Shares.Count != bins.Edges.Count + 1)
        {
            return double.NaN;
        }

        var actual = Shares(bins, values);
        if (actual.Count == 0)
        {
            return double.NaN;
        }

        double psi = 0;
        for (var i = 0; i < actual.Count; i++)
        {
            var a = Math.Max(actual[i], Epsilon);
            var e = Math.Max(bins.Shares[i], Epsilon);
            psi += (a - e) * Math.Log(a / e);
        }

        return psi;
    }

    /// <summary>Each bin's share of <paramref name="values"/> (non-finite ones left out); empty when none is left.</summary>
    private static IReadOnlyList<double> Shares(MeasureBins bins, IEnumerable<double> values)
    {
        var counts = new long[bins.Edges.Count + 1];
        long total = 0;
        foreach (var value in values.Where(double.IsFinite))
        {
            counts[BinOf(bins, value)]++;
            total++;
        }

        return total == 0 ? [] : [.. counts.Select(c => (double)c / total)];
    }

    private static int BinOf(MeasureBins bins, double value)
    {
        var edges = bins.Edges;
        if (bins.Categorical)
        {
            for (var i = 0; i < edges.Count; i++)
            {
                if (edges[i] == value)
                {
                    return i;
                }
            }

            return edges.Count;
        }

        for (var i = 0; i < edges.Count; i++)
        {
            if (value <= edges[i])
            {
                return i;
            }
        }

        return edges.Count;
    }
}

/// <summary>
/// One measure's bins on the baseline: with <see cref="Categorical"/>, one bin per listed value and
/// a last bin for any other; otherwise upper bounds of each bin but the last. <see cref="Shares"/>
/// has one share per bin.
/// </summary>
internal sealed record MeasureBins(string Name, bool Categorical, IReadOnlyList<double> Edges, IReadOnlyList<double> Shares);
