using ServerlessMl.Reporting;

namespace ServerlessMl.Cli.Report;

/// <summary>ROC and precision-recall curves and the confusion matrix of scored rows (Actual 1 = positive).</summary>
internal static class ClassifierCurves
{
    /// <summary>Points from threshold +∞ down to -∞, one per distinct score.</summary>
    public static (IReadOnlyList<(double Fpr, double Tpr)> Roc, IReadOnlyList<(double Recall, double Precision)> PrecisionRecall) Of(IReadOnlyList<ScoredRow> rows)
    {
        var positives = rows.Count(r => r.Actual > 0.5);
        var negatives = rows.Count - positives;
        var roc = new List<(double, double)> { (0, 0) };
        var pr = new List<(double, double)>();
        int tp = 0, fp = 0;
        foreach (var group in rows.GroupBy(r => r.Predicted).OrderByDescending(g => g.Key))
        {
            foreach (var row in group)
            {
                if (row.Actual > 0.5)
                {
                    tp++;
                }
                else
                {
                    fp++;
                }
            }

            roc.Add((negatives == 0 ? 0 : (double)fp / negatives, positives == 0 ? 0 : (double)tp / positives));
            pr.Add((positives == 0 ? 0 : (double)tp / positives, (double)tp / (tp + fp)));
        }

        return (roc, pr);
    }

    /// <summary>Counts at <paramref name="threshold"/> (predicted positive when the score is at or above it).</summary>
    public static (int TruePositive, int FalsePositive, int FalseNegative, int TrueNegative) Confusion(IReadOnlyList<ScoredRow> rows, double threshold)
    {
        int tp = 0, fp = 0, fn = 0, tn = 0;
        foreach (var row in rows)
        {
            var predicted = row.Predicted >= threshold;
            var actual = row.Actual > 0.5;
            (tp, fp, fn, tn) = (predicted, actual) switch
            {
                (true, true) => (tp + 1, fp, fn, tn),
                (true, false) => (tp, fp + 1, fn, tn),
                (false, true) => (tp, fp, fn + 1, tn),
                _ => (tp, fp, fn, tn + 1),
            };
        }

        return (tp, fp, fn, tn);
    }
}
