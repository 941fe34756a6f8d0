using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using ServerlessMl.Http;
using ServerlessMl.Models.BikeDemand;

namespace ServerlessMl.Core.Tests.Http;

/// <summary>
/// The one-pass reader of predict bodies: what it answers for each shape of body, found while
/// reading (no document is parsed first), including bodies that go wrong after a good start.
/// </summary>
public sealed class RequestBinderTests
{
    private const string Good = """{"timestamp":"2011-01-24T08:00:00","weather":1,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}""";

    [Fact]
    public void One_object_is_one_request_and_an_array_is_a_batch_in_order()
    {
        var single = Bind(Good);
        var batch = Bind($"[{Good},{Good.Replace("\"weather\":1", "\"weather\":3", StringComparison.Ordinal)}]");

        Assert.False(single.Batch);
        Assert.Equal(1, Assert.IsType<BikeDemandRequest>(Assert.Single(single.Requests)).Weather);
        Assert.True(batch.Batch);
        Assert.Equal([1, 3], batch.Requests.Cast<BikeDemandRequest>().Select(r => r.Weather!.Value));
    }

    [Theory]
    [InlineData("[GOOD,{\"weather\":}]", "not valid JSON")]      // broken after a good first item
    [InlineData("GOOD GOOD", "not valid JSON")]                   // two top-level values
    [InlineData("GOOD,", "not valid JSON")]                       // trailing garbage
    [InlineData("[GOOD", "not valid JSON")]                       // unterminated array
    [InlineData("[GOOD,{\"weather\":5,\"x\":[}]", "not valid JSON")] // broken inside an item that also has a bad field
    [InlineData("[]", "The batch is empty")]
    public void A_body_that_is_not_one_json_value_or_an_empty_batch_is_a_400_without_field_errors(string body, string detail)
    {
        var problem = Assert.IsType<ProblemHttpResult>(Bind(body.Replace("GOOD", Good, StringComparison.Ordinal)).Problem);

        Assert.Equal(StatusCodes.Status400BadRequest, problem.StatusCode);
        Assert.Contains(detail, problem.ProblemDetails.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_item_of_a_batch_is_named_by_its_index_and_field()
    {
        var body = $"[{Good},{Good.Replace("\"weather\":1", "\"weather\":9", StringComparison.Ordinal)},7,{Good.Replace("\"humidity\":60", "\"Humidity\":60", StringComparison.Ordinal)},{Good}]";

        var errors = Errors(Bind(body));

        Assert.Equal(["[1].weather", "[2]", "[3].Humidity"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("not number", errors["[2]"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_batch_over_the_limit_is_a_413_that_counts_every_item()
    {
        var body = "[" + string.Join(',', Enumerable.Repeat(Good, 7)) + "]";

        var problem = Assert.IsType<ProblemHttpResult>(Bind(body, maxBatch: 5).Problem);

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, problem.StatusCode);
        Assert.Contains("has 7 items; the limit is 5", problem.ProblemDetails.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_top_level_value_that_is_not_an_object_is_a_field_error_on_the_root()
    {
        Assert.Equal("$", Assert.Single(Errors(Bind("\"hello\""))).Key);
    }

    private static IDictionary<string, string[]> Errors(BoundRequests<BikeDemandRequest> bound) =>
        Assert.IsType<HttpValidationProblemDetails>(Assert.IsType<ProblemHttpResult>(bound.Problem).ProblemDetails).Errors;

    private static BoundRequests<BikeDemandRequest> Bind(string body, int maxBatch = 100) =>
        RequestBinder.Bind<BikeDemandRequest>(Encoding.UTF8.GetBytes(body), maxBatch);
}
