using Azure;

namespace ServerlessMl.Registry;

internal enum ChampionCheckResult
{
    Unchanged,
    Changed,
    None,

    /// <summary>The alias blob exists but is damaged (not JSON, or names no version of the model).</summary>
    Unreadable,
}

/// <summary>The answer of <see cref="ModelRegistry.CheckChampionAsync"/>.</summary>
internal sealed record ChampionCheck(ChampionCheckResult Result, ChampionAlias? Alias, ChampionTag? Tag)
{
    public static readonly ChampionCheck Unchanged = new(ChampionCheckResult.Unchanged, null, null);
    public static readonly ChampionCheck None = new(ChampionCheckResult.None, null, null);
}

/// <summary>The champion alias as last read: its tag, or null for "there was none".</summary>
internal sealed record ExpectedChampion(ChampionTag? Tag);

/// <summary>
/// The state the champion alias was read in, opaque to callers: handed back, it makes a read
/// conditional (nothing is sent if the alias has not moved) or a promotion conditional (it
/// happens only if the alias has not moved).
/// </summary>
internal readonly record struct ChampionTag
{
    internal ChampionTag(ETag etag) => ETag = etag;

    internal ETag ETag { get; }
}
