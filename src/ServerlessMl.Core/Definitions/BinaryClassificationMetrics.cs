namespace ServerlessMl.Definitions;

/// <summary>
/// Binary classification metrics from (actual, probability) pairs, positive class as positive:
/// AUC (ties shared), and at the threshold F1, precision, recall, accuracy and Matthews'
/// correlation; log-loss in bits, as ML.NET reports it.
/// </summary>
internal static class BinaryClassificationMetrics
{
    public static QualityMetrics From(IReadOnlyList<(bool Actual, double Probability)> pairs, double threshold)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        long tp = 0, fp = 0, tn = 0, fn = 0;
        double logLoss = 0;
        foreach (var (actual, probability) in pairs)
        {
            var predicted = probability >= threshold;
            if (actual)
            {
                if (predicted) { tp++; } else { fn++; }
            }
            else
            {
                if (predicted) { fp++; } else { tn++; }
            }

            var p = Math.Clamp(probability, 1e-15, 1 - 1e-15);
            logLoss -= Math.Log2(actual ? p : 1 - p);
        }

        var n = pairs.Count;
        var precision = tp + fp == 0 ? double.NaN : (double)tp / (tp + fp);
        var recall = tp + fn == 0 ? double.NaN : (double)tp / (tp + fn);
        var f1 = precision + recall is > 0 and var sum ? 2 * precision * recall / sum : double.NaN;
        var mccDenominator = Math.Sqrt((double)(tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
        var mcc = mccDenominator == 0 ? double.NaN : ((double)tp * tn - (double)fp * fn) / mccDenominator;
        return new QualityMetrics(
            new Dictionary<string, double>
            {
                [MetricNames.Auc] = Auc(pairs),
                [MetricNames.F1] = f1,
                [MetricNames.Precision] = precision,
                [MetricNames.Recall] = recall,
                [MetricNames.Accuracy] = n == 0 ? double.NaN : (double)(tp + tn) / n,
                [MetricNames.Mcc] = mcc,
                [MetricNames.LogLoss] = n == 0 ? double.NaN : logLoss / n,
            },
            n);
    }

    /// <summary>The chance a random positive outscores a random negative (Mann-Whitney), ties counted half.</summary>
    private static double Auc(IReadOnlyList<(bool Actual, double Probability)> pairs)
    {
        var ordered = pairs.OrderBy(p => p.Probability).ToArray();
        long positives = ordered.LongCount(p => p.Actual), negatives = ordered.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        double rankSum = 0;
        for (var i = 0; i < ordered.Length;)
        {
            var j = i;
            while (j < ordered.Length && ordered[j].Probability == ordered[i].Probability)
            {
                j++;
            }

            var averageRank = (i + j + 1) / 2.0; // ranks i+1..j share their mean
            for (var k = i; k < j; k++)
            {
                if (ordered[k].Actual)
                {
                    rankSum += averageRank;
                }
            }

            i = j;
        }

        return (rankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }
}
