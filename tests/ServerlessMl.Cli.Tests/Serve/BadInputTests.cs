using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace ServerlessMl.Cli.Tests.Serve;

/// <summary>
/// Thousands of generated bad bodies against a running `serve`: no 5xx, every body the contract
/// refuses is refused and every one it accepts is answered (judged by <see cref="RequestOracle"/>),
/// the process stays up, and the model still answers good requests afterwards.
/// </summary>
public sealed class BadInputTests(ServeFixture fixture, ITestOutputHelper output) : IClassFixture<ServeFixture>
{
    private const int Bodies = 5_000;
    private const string Predict = "/api/models/bike-demand/predict";

    [Fact]
    public async Task Five_thousand_generated_bad_bodies_get_no_5xx_and_the_model_still_serves()
    {
        var random = new Random(20261127);
        var statuses = new Dictionary<int, int>();
        var fiveHundreds = new List<string>();
        var misjudged = new List<string>();
        var accepted = 0;
        var lockObject = new object();

        await Parallel.ForEachAsync(Enumerable.Range(0, Bodies), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            byte[] body;
            string contentType;
            lock (random)
            {
                (body, contentType) = BadBodies.Next(random, i);
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, Predict) { Content = new ByteArrayContent(body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            request.Headers.Add("x-functions-key", ServeFixture.ApiKey);
            using var response = await fixture.Serve.Client.SendAsync(request, ct);
            var status = (int)response.StatusCode;
            var valid = RequestOracle.IsValid(body, contentType);
            lock (lockObject)
            {
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                accepted += valid ? 1 : 0;
                if (status >= 500)
                {
                    fiveHundreds.Add($"{status} for {Preview(body)}");
                }

                if (valid != (status == 200))
                {
                    misjudged.Add($"{status} for a body the contract {(valid ? "accepts" : "refuses")} ({contentType}): {Preview(body)}");
                }
            }
        });

        output.WriteLine("status counts: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")) + $"; {accepted} bodies valid by the contract");
        Assert.Empty(fiveHundreds);
        Assert.Empty(misjudged);
        Assert.InRange(accepted, 50, Bodies / 2); // the generator makes both kinds
        Assert.Equal(Bodies, statuses.Values.Sum());
        Assert.Subset(statuses.Keys.ToHashSet(), new HashSet<int> { 400, 413, 415 }); // the generator reached every kind of refusal
        Assert.False(fixture.Serve.HasExited, "serve exited");

        using var good = await fixture.Serve.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, Predict)
        {
            Content = new StringContent(BadBodies.ValidJson, Encoding.UTF8, "application/json"),
            Headers = { { "x-functions-key", ServeFixture.ApiKey } },
        });
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.True((await good.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("prediction").GetDouble() >= 0);
    }

    private static string Preview(byte[] body) =>
        body.Length > 200 ? Encoding.UTF8.GetString(body, 0, 200) + $"... ({body.Length} bytes)" : Encoding.UTF8.GetString(body);
}

/// <summary>Generates bodies that are wrong in the ways callers get them wrong, and some they never should.</summary>
internal static class BadBodies
{
    public const string ValidJson = """{"timestamp":"2011-01-24T08:00:00","weather":1,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}""";

    private static readonly string[] Fields = ["timestamp", "weather", "temperatureC", "feelsLikeC", "humidity", "windSpeedKmh", "holiday"];

    private static readonly string[] OddValues =
    [
        "null", "true", "\"\"", "\"12\"", "[]", "{}", "-0", "1e400", "-1e400", "1.7976931348623157e308", "NaN", "Infinity",
        "\"NaN\"", "12345678901234567890123456789", "0.0000000000000000000001", "\"2011-02-30T00:00:00\"", "\"9999-12-31T23:59:59\"",
        "\"\\ud800\"", "\"\u202e\u200b\u0000\"", "\"🚲🚲🚲\"", "\"' OR 1=1 --\"", "\"<script>\"", "-1", "5", "101", "2.5",
    ];

    public static (byte[] Body, string ContentType) Next(Random random, int index)
    {
        var contentType = random.Next(20) == 0 ? Pick(random, ["text/plain", "application/xml", "", "application/json; charset=utf-16", "multipart/form-data"]) : "application/json";
        return index switch
        {
            // A few 10 MB bodies: over every limit, must be refused cleanly.
            _ when index % 1_000 == 999 => (Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Repeat(ValidJson, 10 * 1024 * 1024 / ValidJson.Length)) + "]"), "application/json"),
            _ => (Encoding.UTF8.GetBytes(Mutate(random)), contentType),
        } is var (body, type) && random.Next(50) == 0 ? (RandomBytes(random), type) : (body, type);
    }

    private static string Mutate(Random random)
    {
        switch (random.Next(12))
        {
            case 0:
                return string.Empty;
            case 1:
                return ValidJson[..random.Next(ValidJson.Length)]; // truncated
            case 2:
                var depth = random.Next(10, 2_000);
                return new string('[', depth) + new string(']', depth); // deep nesting
            case 3:
                return "[" + string.Join(',', Enumerable.Repeat(ValidJson, random.Next(101, 400))) + "]"; // batch too large
            case 4:
                return Pick(random, ["null", "true", "42", "\"text\"", "[null]", "[[]]", "[1,2,3]", "{\"a\":{\"b\":{\"c\":{}}}}"]);
            default:
                var node = JsonNode.Parse(ValidJson)!.AsObject();
                for (var i = random.Next(1, 4); i > 0; i--)
                {
                    var field = Pick(random, Fields);
                    switch (random.Next(4))
                    {
                        case 0:
                            node.Remove(field);
                            break;
                        case 1:
                            node[field] = null;
                            break;
                        case 2:
                            node["x" + random.Next(1000)] = 1;
                            break;
                        default:
                            node.Remove(field);
                            var text = node.ToJsonString();
                            return text[..^1] + (node.Count > 0 ? "," : string.Empty) + $"\"{field}\":{Pick(random, OddValues)}}}";
                    }
                }

                var json = node.ToJsonString();
                return random.Next(3) == 0 ? $"[{json},{json}]" : json;
        }
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 512)];
        random.NextBytes(bytes);
        return bytes;
    }

    public static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];
}
