using ServerlessMl.Monitoring;
using ServerlessMl.Testing;

namespace ServerlessMl.Core.Tests.Monitoring;

/// <summary>Reading live days back from a real Azurite, damaged ones included.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class LiveStoreTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData("{}")]
    [InlineData("{\"day\": \"2026-03-02\", \"versions\": [null], \"feedback\": {}}")]
    [InlineData("{\"day\": \"2026-03-02\", \"versions\": [], \"feedback\": {}, \"drift\": {\"baseline\": \"0001\"}}")]
    [InlineData("not json")]
    public async Task A_damaged_day_reads_as_not_recorded_and_the_others_still_read(string damage)
    {
        var container = azurite.CreateClient().GetBlobContainerClient("live-" + Guid.NewGuid().ToString("N")[..12]);
        await container.CreateAsync();
        var store = new LiveStore(container);
        var good = new LiveDay(new DateOnly(2026, 3, 1), DateTimeOffset.UnixEpoch, 4, [], null, null, new FeedbackCounts(1, 1, 0, 0));
        await store.WriteAsync("m", good, default);
        await container.GetBlobClient(LogBlobNames.LiveDay("m", new DateOnly(2026, 3, 2))).UploadAsync(BinaryData.FromString(damage));

        Assert.Null(await store.ReadAsync("m", new DateOnly(2026, 3, 2), default));
        var recent = await store.ReadRecentAsync("m", 5, default);
        Assert.Equal(good.Day, Assert.Single(recent).Day);
    }
}
