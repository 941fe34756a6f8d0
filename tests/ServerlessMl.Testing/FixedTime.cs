namespace ServerlessMl.Testing;

/// <summary>A clock that says what a test tells it: for the job's idea of "now".</summary>
public sealed class FixedTime(DateTimeOffset utcNow) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => utcNow;
}
