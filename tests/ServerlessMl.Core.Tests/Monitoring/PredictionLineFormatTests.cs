using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessMl.Definitions;
using ServerlessMl.Http;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Models.SmsSpam;
using ServerlessMl.Monitoring;

namespace ServerlessMl.Core.Tests.Monitoring;

/// <summary>
/// A written log line read back as the live job reads it (<see cref="LoggedPrediction"/> with
/// <see cref="LogJson.Options"/>) holds the values the record-based form held: input per mode,
/// feature measures, truth key, score, answer and the challenger's answer.
/// </summary>
public sealed class PredictionLineFormatTests
{
    private static readonly JsonSerializerOptions AnswerJson = new Microsoft.AspNetCore.Http.Json.JsonOptions().SerializerOptions;
    private static readonly DateTimeOffset Answered = new DateTimeOffset(2026, 3, 4, 5, 6, 7, 891, TimeSpan.Zero).AddTicks(2345);

    // By name: the mode type is internal and a public test method cannot take it.
    public static TheoryData<string, bool> Modes()
    {
        var data = new TheoryData<string, bool>();
        foreach (var mode in Enum.GetNames<LoggedInput>())
        {
            data.Add(mode, false);
            data.Add(mode, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void A_bike_line_round_trips_into_the_record(string mode, bool challenger)
    {
        var model = new BikeDemandModel();
        var request = JsonSerializer.Deserialize<BikeDemandRequest>(PredictionLogTests.Valid, RequestBinder.RequestJson)!;
        var features = model.FromRequest(request);
        RoundTrips<BikeDemandRequest, BikeFeatures, RegressionScore, double>(model, Enum.Parse<LoggedInput>(mode), request, features, 41.25, challenger ? ("0002", 38.5) : null);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void A_spam_line_round_trips_into_the_record(string mode, bool challenger)
    {
        var model = new SmsSpamModel();
        var request = new SmsSpamRequest { Text = "Free entry <now> & \"win\" £100 – é 😀" };
        var features = model.FromRequest(request);
        RoundTrips<SmsSpamRequest, SmsFeatures, BinaryScore, BinaryAnswer>(
            model, Enum.Parse<LoggedInput>(mode), request, features, new BinaryAnswer("spam", 0.9731), challenger ? ("0002", new BinaryAnswer("ham", 0.12)) : null);
    }

    [Fact]
    public void Each_item_of_a_batch_is_one_line_under_its_index()
    {
        var model = new BikeDemandModel();
        var request = JsonSerializer.Deserialize<BikeDemandRequest>(PredictionLogTests.Valid, RequestBinder.RequestJson)!;
        var lines = new PredictionLines<BikeDemandRequest, BikeFeatures, RegressionScore, double>(
            model, new LoggedInputRecorder<BikeDemandRequest>(LoggedInput.Text, RequestBinder.RequestJson), AnswerJson, challenger: null);
        var pending = new PendingPrediction<BikeDemandRequest, BikeFeatures, RegressionScore, double>(
            lines, "batch-1", Answered, "0001", [request, request], [model.FromRequest(request), model.FromRequest(request)], [1.5, 2.5]);
        var blocks = new LogBlocks();

        Assert.Equal(0, pending.WriteLines(blocks));

        var (_, _, written) = Assert.Single(blocks.Blobs);
        var block = Assert.Single(written);
        Assert.Equal(2, block.Items);
        var text = Encoding.UTF8.GetString(block.Bytes.ToArray());
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var records = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<LoggedPrediction>(l, LogJson.Options)!).ToArray();
        Assert.Equal([0, 1], records.Select(r => r.Item));
        Assert.Equal([1.5, 2.5], records.Select(r => r.Score));
        blocks.Clear();
        Assert.Empty(blocks.Blobs);
    }

    [Fact]
    public void An_item_the_models_code_fails_on_is_reported_and_the_rest_of_its_batch_is_still_written()
    {
        var model = new BikeDemandModel();
        var request = JsonSerializer.Deserialize<BikeDemandRequest>(PredictionLogTests.Valid, RequestBinder.RequestJson)!;
        var features = model.FromRequest(request);

        // No timestamp: the model's truth key cannot be made for this item, half-way through its line.
        var broken = JsonSerializer.Deserialize<BikeDemandRequest>(PredictionLogTests.Valid, RequestBinder.RequestJson)!;
        broken.Timestamp = null;
        var lines = new PredictionLines<BikeDemandRequest, BikeFeatures, RegressionScore, double>(
            model, new LoggedInputRecorder<BikeDemandRequest>(LoggedInput.Text, RequestBinder.RequestJson), AnswerJson, challenger: null);
        var pending = new PendingPrediction<BikeDemandRequest, BikeFeatures, RegressionScore, double>(
            lines, "batch-2", Answered, "0001", [request, broken, request], [features, features, features], [1.5, 2.5, 3.5]);
        var blocks = new LogBlocks();
        var failures = new List<Exception>();

        Assert.Equal(0, pending.WriteLines(blocks, failures));

        Assert.Single(failures);
        var block = Assert.Single(Assert.Single(blocks.Blobs).Blocks);
        var records = Encoding.UTF8.GetString(block.Bytes.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonSerializer.Deserialize<LoggedPrediction>(l, LogJson.Options)!).ToArray();
        Assert.Equal([0, 2], records.Select(r => r.Item));
        Assert.Equal(2, block.Items);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("24")]
    [InlineData("-3")]
    [InlineData("15.9")]
    [InlineData("0.10000000149011612")]
    [InlineData("1E+15")]
    [InlineData("123456789012345")]
    [InlineData("-1E+300")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void A_number_is_written_as_the_log_options_serialize_it(string text)
    {
        // As text: 0 and -0 are the same double to the attribute's duplicate check.
        var value = double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            LogNumbers.Write(json, JsonEncodedText.Encode("v"), value);
            json.WriteEndObject();
        }

        Assert.Equal(JsonSerializer.Serialize(new { v = value }, LogJson.Options), Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    private static void RoundTrips<TRequest, TFeatures, TPrediction, TItem>(
        IServedModel<TRequest, TFeatures, TPrediction, TItem> model, LoggedInput mode, TRequest request, TFeatures features, TItem item, (string, TItem)? shadow)
        where TRequest : class
        where TFeatures : class, new()
        where TPrediction : class, new()
    {
        var lines = new PredictionLines<TRequest, TFeatures, TPrediction, TItem>(
            model, new LoggedInputRecorder<TRequest>(mode, RequestBinder.RequestJson), AnswerJson, challenger: null);
        var pending = new PendingPrediction<TRequest, TFeatures, TPrediction, TItem>(lines, "req-1", Answered, "0001", request, features, item);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            lines.WriteLine(json, pending, 0, shadow);
        }

        var expected = new LoggedPrediction(
            "req-1",
            0,
            Answered,
            "0001",
            ExpectedInput(mode, request),
            FeatureMeasures<TFeatures>.Instance.Of(features),
            model.TruthKeyOf(request),
            model.ScoreOf(item),
            JsonSerializer.SerializeToNode(item, AnswerJson),
            shadow is var (version, answer) ? new ShadowAnswer(version, model.ScoreOf(answer), JsonSerializer.SerializeToNode(answer, AnswerJson)) : null);
        var read = JsonSerializer.Deserialize<LoggedPrediction>(buffer.WrittenSpan, LogJson.Options)!;

        Assert.Equal(JsonSerializer.Serialize(expected, LogJson.Options), Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal((expected.RequestId, expected.Item, expected.Time, expected.Version, expected.TruthKey, expected.Score), (read.RequestId, read.Item, read.Time, read.Version, read.TruthKey, read.Score));
        Assert.Equal(expected.Features.OrderBy(f => f.Key, StringComparer.Ordinal), read.Features.OrderBy(f => f.Key, StringComparer.Ordinal));
        Assert.True(JsonNode.DeepEquals(expected.Input, read.Input), $"input {read.Input?.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(expected.Answer, read.Answer), $"answer {read.Answer?.ToJsonString()}");
        Assert.Equal(expected.Challenger?.Version, read.Challenger?.Version);
        Assert.Equal(expected.Challenger?.Score, read.Challenger?.Score);
        Assert.True(JsonNode.DeepEquals(expected.Challenger?.Answer, read.Challenger?.Answer), $"challenger {read.Challenger?.Answer?.ToJsonString()}");
    }

    /// <summary>The input as the record-based writer made it: the API's JSON, with each text field replaced by its hash in Hash mode.</summary>
    private static JsonNode? ExpectedInput<TRequest>(LoggedInput mode, TRequest request)
    {
        if (mode == LoggedInput.None)
        {
            return null;
        }

        var node = JsonSerializer.SerializeToNode(request, RequestBinder.RequestJson)!.AsObject();
        if (mode == LoggedInput.Hash)
        {
            foreach (var property in RequestBinder.RequestJson.GetTypeInfo(typeof(TRequest)).Properties.Where(p => p.PropertyType == typeof(string)))
            {
                if (node[property.Name] is JsonValue text && text.TryGetValue<string>(out var s))
                {
                    node[property.Name] = LoggedInputRecorder<object>.Hash(s);
                }
            }
        }

        return node;
    }
}
