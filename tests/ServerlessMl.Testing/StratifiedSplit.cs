namespace ServerlessMl.Testing;

/// <summary>A seeded 80/20 split that holds out a fifth of each class: how the spam recipes are compared.</summary>
public static class StratifiedSplit
{
    public static (List<T> Train, List<T> Test) Of<T, TClass>(IEnumerable<T> rows, Func<T, TClass> classOf, int seed)
    {
        var random = new Random(seed);
        var train = new List<T>();
        var test = new List<T>();
        foreach (var group in rows.GroupBy(classOf))
        {
            var shuffled = group.OrderBy(_ => random.Next()).ToList();
            var testCount = (int)Math.Round(shuffled.Count * 0.2);
            test.AddRange(shuffled.Take(testCount));
            train.AddRange(shuffled.Skip(testCount));
        }

        return (train, test);
    }
}
