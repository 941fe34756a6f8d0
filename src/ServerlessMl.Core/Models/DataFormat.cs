namespace ServerlessMl.Models;

/// <summary>
/// How a model's data files are written: the blob extension (<c>&lt;model&gt;/YYYY/MM/DD.&lt;ext&gt;</c>),
/// the separator, and the header every file must start with (null: no header row).
/// </summary>
public sealed record DataFormat(string Extension, char Separator, IReadOnlyList<string>? Header, bool AllowQuoting = false)
{
    public static DataFormat Csv(IReadOnlyList<string> header) => new("csv", ',', header);
}

/// <summary>Which rows a model is judged on before it may become champion.</summary>
public abstract record HoldoutSplit
{
    private protected HoldoutSplit()
    {
    }
}

/// <summary>
/// The newest days (<c>Training__HoldoutDays</c>) are held out, the older ones trained on: for
/// data in time order, where the future is what a model will meet.
/// </summary>
public sealed record NewestDaysSplit : HoldoutSplit;

/// <summary>
/// A fixed fraction of rows is held out, chosen by a seeded hash of each row's key, so a row stays
/// on its side in every retrain and each class is held out in the same expected proportion: for
/// data with no time order.
/// </summary>
public sealed record HashedRowsSplit(double Fraction, int Seed, long MinRows) : HoldoutSplit;
