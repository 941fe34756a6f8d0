using System.Diagnostics;

namespace ServerlessMl.Testing;

/// <summary>
/// Waits for a condition instead of for a time: polls until it holds or until a deadline far above
/// what the code needs has passed, so a busy machine makes a test slower, never red. Callers assert
/// on the answer, with a message that says what did not happen.
/// </summary>
public static class Eventually
{
    /// <summary>
    /// The usual deadline: conditions that take well under a few seconds on a quiet machine get
    /// minutes of slack for a machine running the whole suite, or anything else, beside them.
    /// </summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <summary>True once <paramref name="condition"/> holds; false if it still does not at the deadline.</summary>
    public static Task<bool> HoldsAsync(Func<bool> condition, TimeSpan? deadline = null) =>
        HoldsAsync(() => Task.FromResult(condition()), deadline);

    /// <inheritdoc cref="HoldsAsync(Func{bool}, TimeSpan?)"/>
    public static async Task<bool> HoldsAsync(Func<Task<bool>> condition, TimeSpan? deadline = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > (deadline ?? Deadline))
            {
                return false;
            }

            await Task.Delay(Poll);
        }

        return true;
    }
}
