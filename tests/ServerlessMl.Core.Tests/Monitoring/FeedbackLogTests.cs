using ServerlessMl.Monitoring;
using ServerlessMl.Storage;
using ServerlessMl.Testing;

namespace ServerlessMl.Core.Tests.Monitoring;

/// <summary>The feedback log continues an hour's blob in the next part when its block count is used up, with many requests appending at once.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class FeedbackLogTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Hour = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    [Fact]
    public async Task A_blob_whose_blocks_are_used_up_is_continued_in_the_next_part()
    {
        var container = azurite.CreateClient().GetBlobContainerClient("feedback-" + Guid.NewGuid().ToString("N")[..12]);
        var log = new FeedbackLog(new LogBlobAppender(container, new StorageOptions(), "inst", maxBlocks: 2));

        for (var i = 0; i < 3; i++)
        {
            await log.AppendAsync("spam", Hour, [new FeedbackRecord($"r{i}", 0, Hour, 1, "truth")], default);
        }

        var blobs = new List<string>();
        await foreach (var blob in container.GetBlobsAsync())
        {
            blobs.Add(blob.Name);
        }

        Assert.Equal(["spam/2026/03/04/05/inst-2.jsonl", "spam/2026/03/04/05/inst.jsonl"], blobs.Order(StringComparer.Ordinal));
        var second = (await container.GetBlobClient("spam/2026/03/04/05/inst-2.jsonl").DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("\"requestId\":\"r2\"", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_requests_lose_no_line_across_the_parts()
    {
        var container = azurite.CreateClient().GetBlobContainerClient("feedback-" + Guid.NewGuid().ToString("N")[..12]);
        var log = new FeedbackLog(new LogBlobAppender(container, new StorageOptions(), "inst", maxBlocks: 3));

        const int Requests = 40;
        await Parallel.ForAsync(0, Requests, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            await log.AppendAsync("spam", Hour, [new FeedbackRecord($"r{i}", 0, Hour, 1, "truth")], ct));

        var lines = 0;
        var parts = 0;
        await foreach (var blob in container.GetBlobsAsync())
        {
            parts++;
            var content = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
            lines += content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        }

        Assert.Equal(Requests, lines);
        Assert.InRange(parts, 2, Requests);
    }
}
