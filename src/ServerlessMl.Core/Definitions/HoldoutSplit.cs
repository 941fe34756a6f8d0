using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ServerlessMl.Definitions;

/// <summary>
/// Which rows of a model's data judge a candidate before it may become champion. Declared by the
/// model with the row type, so a split by rows cannot be declared without saying what to hash.
/// </summary>
/// <typeparam name="TRow">The model's data row.</typeparam>
public sealed class HoldoutSplit<TRow>
{
    private readonly Func<TRow, string>? _key;

    private HoldoutSplit(HoldoutSplit rule, Func<TRow, string>? key)
    {
        Rule = rule;
        _key = key;
    }

    /// <summary>
    /// The newest days (<c>Training__HoldoutDays</c>) are held out and the older ones trained on:
    /// for data in time order, where the future is what a model will meet.
    /// </summary>
    public static HoldoutSplit<TRow> NewestDays { get; } = new(new NewestDaysSplit(), null);

    /// <summary>
    /// A fixed <paramref name="fraction"/> of rows is held out, chosen by a seeded hash of each
    /// row's <paramref name="key"/>, so a row stays on its side in every retrain: for data with no
    /// time order. Rows with equal keys (a message sent twice) are always on the same side.
    /// </summary>
    /// <param name="minRows">Fewer rows than this (after the row filter) fail the run: too few to split and judge by.</param>
    public static HoldoutSplit<TRow> HashedRows(Func<TRow, string> key, double fraction = 0.2, int seed = 1, long minRows = 100)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(fraction, 1);
        return new(new HashedRowsSplit(fraction, seed, minRows), key);
    }

    internal HoldoutSplit Rule { get; }

    internal bool IsHeldOut(TRow row)
    {
        var rule = (HashedRowsSplit)Rule;
        var bytes = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{rule.Seed}|{_key!(row)}"));
        return BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(bytes)) / (double)ulong.MaxValue < rule.Fraction;
    }
}

/// <summary>A split as the training job reads it, whatever the row type.</summary>
internal abstract record HoldoutSplit;

internal sealed record NewestDaysSplit : HoldoutSplit;

internal sealed record HashedRowsSplit(double Fraction, int Seed, long MinRows) : HoldoutSplit;
