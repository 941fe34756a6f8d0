namespace ServerlessMl.Monitoring;

/// <summary>
/// Puts the truth beside each logged item: feedback by request id and item (feedback received on
/// any day of the window may answer a request of any day of it), else a data row by the item's
/// truth key. Feedback wins over a data row; for an item answered twice, the later feedback wins.
/// </summary>
internal static class LiveJoin
{
    public static IReadOnlyList<JoinedDay> Join(
        IReadOnlyList<LogDay<LoggedPrediction>> days,
        IReadOnlyList<FeedbackRecord> feedback,
        IReadOnlyDictionary<string, double> truths)
    {
        ArgumentNullException.ThrowIfNull(days);
        ArgumentNullException.ThrowIfNull(feedback);
        ArgumentNullException.ThrowIfNull(truths);
        var dayOf = new Dictionary<(string, int), DateOnly>();
        foreach (var day in days)
        {
            foreach (var item in day.Records)
            {
                dayOf.TryAdd((item.RequestId, item.Item), day.Day);
            }
        }

        var answers = new Dictionary<(string, int), FeedbackRecord>();
        var counts = days.ToDictionary(d => d.Day, _ => new Counts());
        foreach (var record in feedback.OrderBy(f => f.Time))
        {
            var key = (record.RequestId, record.Item);
            if (!dayOf.TryGetValue(key, out var served))
            {
                // An id never logged (not sampled, or not ours) is counted on the day it came.
                if (counts.TryGetValue(DateOnly.FromDateTime(record.Time.UtcDateTime), out var onArrival))
                {
                    onArrival.Received++;
                    onArrival.Unknown++;
                }

                continue;
            }

            var count = counts[served];
            count.Received++;
            count.Repeated += answers.ContainsKey(key) ? 1 : 0;
            answers[key] = record;
        }

        return [.. days.Select(day => JoinDay(day, answers, truths, counts[day.Day]))];
    }

    private static JoinedDay JoinDay(LogDay<LoggedPrediction> day, Dictionary<(string, int), FeedbackRecord> answers, IReadOnlyDictionary<string, double> truths, Counts counts)
    {
        var seen = new HashSet<(string, int)>();
        var items = new List<JoinedItem>();
        long matched = 0;
        foreach (var item in day.Records)
        {
            var key = (item.RequestId, item.Item);
            if (!seen.Add(key))
            {
                continue;
            }

            double? actual = null;
            if (answers.TryGetValue(key, out var answer))
            {
                actual = answer.Actual;
                matched++;
            }
            else if (item.TruthKey is { } truthKey && truths.TryGetValue(truthKey, out var fromData))
            {
                actual = fromData;
            }

            items.Add(new JoinedItem(item, actual));
        }

        return new JoinedDay(day.Day, items, day.Damaged, new FeedbackCounts(counts.Received, matched, counts.Unknown, counts.Repeated));
    }

    private sealed class Counts
    {
        public long Received { get; set; }

        public long Unknown { get; set; }

        public long Repeated { get; set; }
    }
}

/// <summary>One day's logged items (each once), each with its truth when known.</summary>
internal sealed record JoinedDay(DateOnly Day, IReadOnlyList<JoinedItem> Items, long DamagedLines, FeedbackCounts Feedback);

internal sealed record JoinedItem(LoggedPrediction Logged, double? Actual);
