using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using ServerlessMl.Http;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Models.SmsSpam;

namespace ServerlessMl.Core.Tests.Http;

/// <summary>The documented range of every bike-demand field, at and just past each edge.</summary>
public sealed class RequestValidationTests
{
    [Theory]
    [InlineData("weather", "1", true)]
    [InlineData("weather", "4", true)]
    [InlineData("weather", "0", false)]
    [InlineData("weather", "5", false)]
    [InlineData("temperatureC", "-40", true)]
    [InlineData("temperatureC", "50", true)]
    [InlineData("temperatureC", "-40.1", false)]
    [InlineData("temperatureC", "50.1", false)]
    [InlineData("feelsLikeC", "-60", true)]
    [InlineData("feelsLikeC", "60", true)]
    [InlineData("feelsLikeC", "-60.1", false)]
    [InlineData("feelsLikeC", "60.1", false)]
    [InlineData("humidity", "0", true)]
    [InlineData("humidity", "100", true)]
    [InlineData("humidity", "-0.1", false)]
    [InlineData("humidity", "100.1", false)]
    [InlineData("windSpeedKmh", "0", true)]
    [InlineData("windSpeedKmh", "200", true)]
    [InlineData("windSpeedKmh", "-0.1", false)]
    [InlineData("windSpeedKmh", "200.1", false)]
    [InlineData("timestamp", "\"2000-01-01T00:00:00\"", true)]
    [InlineData("timestamp", "\"2100-12-31T23:00:00\"", true)]
    [InlineData("timestamp", "\"1999-12-31T23:00:00\"", false)]
    [InlineData("timestamp", "\"2101-01-01T00:00:00\"", false)]
    [InlineData("holiday", "true", true)]
    [InlineData("holiday", "null", true)]
    [InlineData("holiday", "1", false)]
    public void Each_field_is_accepted_up_to_its_edge_and_refused_past_it(string field, string value, bool accepted)
    {
        var body = $$"""{"timestamp":"2011-01-24T08:00:00","weather":1,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12,"holiday":false}""";
        var json = Encoding.UTF8.GetBytes(body.Replace(Field(body, field), $"\"{field}\":{value}", StringComparison.Ordinal));

        var bound = RequestBinder.Bind<BikeDemandRequest>(json, maxBatch: 1);

        if (accepted)
        {
            Assert.Null(bound.Problem);
            Assert.IsType<BikeDemandRequest>(Assert.Single(bound.Requests));
        }
        else
        {
            var problem = Assert.IsType<ProblemHttpResult>(bound.Problem);
            var error = Assert.Single(Assert.IsType<HttpValidationProblemDetails>(problem.ProblemDetails).Errors);
            Assert.Equal(field, error.Key);
        }
    }

    [Fact]
    public void Every_refused_field_gets_the_message_its_rule_gives()
    {
        var errors = FieldErrorsOf<BikeDemandRequest>("""[{"timestamp":"2011-01-24T08:00:00","weather":7,"temperatureC":60.5,"feelsLikeC":3,"humidity":-1,"windSpeedKmh":12},{"weather":null,"feelsLikeC":3},{"timestamp":"1999-12-31T23:00:00","weather":1,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}]""");

        Assert.Equal(
            new Dictionary<string, string[]>
            {
                ["[0].weather"] = ["The field weather must be between 1 and 4."],
                ["[0].temperatureC"] = ["The field temperatureC must be between -40 and 50."],
                ["[0].humidity"] = ["The field humidity must be between 0 and 100."],
                ["[1].timestamp"] = ["The timestamp field is required."],
                ["[1].weather"] = ["The weather field is required."],
                ["[1].temperatureC"] = ["The temperatureC field is required."],
                ["[1].humidity"] = ["The humidity field is required."],
                ["[1].windSpeedKmh"] = ["The windSpeedKmh field is required."],
                ["[2].timestamp"] = ["The field timestamp must be a time in the years 2000-2100."],
            },
            errors);
    }

    [Fact]
    public void A_request_type_that_validates_itself_is_asked_after_its_fields_pass()
    {
        var errors = FieldErrorsOf<Interval>("""[{"low":1,"high":2},{"low":3,"high":2},{"low":-1,"high":0}]""");

        // Item 2 fails its field rule, so its own Validate is not asked (as DataAnnotations' Validator).
        Assert.Equal(
            new Dictionary<string, string[]>
            {
                ["[1].high"] = ["high must not be below low."],
                ["[2].low"] = ["The field low must be between 0 and 10."],
            },
            errors);
    }

    // The README promises characters: an emoji or a letter outside the Basic Multilingual Plane is
    // one, though it takes two UTF-16 code units.
    [Theory]
    [InlineData("a", SmsSpamRequest.MaxTextLength, null, true)]
    [InlineData("a", SmsSpamRequest.MaxTextLength + 1, null, false)]
    [InlineData("\U0001F600", SmsSpamRequest.MaxTextLength, null, true)]
    [InlineData("\U0001F600", SmsSpamRequest.MaxTextLength + 1, null, false)]
    [InlineData("\U0001F600", 20, 20, true)]
    [InlineData("\U0001F600", 21, 20, false)]
    [InlineData("é", 20, 20, true)]
    public void Text_length_counts_characters_not_utf16_code_units(string character, int count, int? maxTextLength, bool accepted)
    {
        var json = Encoding.UTF8.GetBytes($$"""{"text":"{{string.Concat(Enumerable.Repeat(character, count))}}"}""");

        var bound = RequestBinder.Bind<SmsSpamRequest>(json, maxBatch: 1, maxTextLength);

        if (accepted)
        {
            Assert.Null(bound.Problem);
        }
        else
        {
            var problem = Assert.IsType<ProblemHttpResult>(bound.Problem);
            Assert.Equal("text", Assert.Single(Assert.IsType<HttpValidationProblemDetails>(problem.ProblemDetails).Errors).Key);
        }
    }

    [Theory]
    [InlineData(@"\u200B")]
    [InlineData(@"\u200B\u200C\u200D\u2060\uFEFF")]
    [InlineData(@"\u0000")]
    [InlineData(@"\u0007\u001B")]
    [InlineData(@"\u00A0\u2028\u2029\u3000 \t\r\n")]
    [InlineData(@"\u3164\u115F\uFE0F")]
    public void Text_with_no_visible_character_is_blank(string text)
    {
        var errors = FieldErrorsOf<SmsSpamRequest>($$"""[{"text":"{{text}}"},{"text":"a{{text}}"}]""");

        Assert.Equal(new Dictionary<string, string[]> { ["[0].text"] = ["The text field is required."] }, errors);
    }

    [Theory]
    [InlineData("2011-01-24T08:00:00Z")]
    [InlineData("2011-01-24T08:00:00+14:00")]
    [InlineData("2011-01-24T08:00:00-05:00")]
    [InlineData("2011-01-24T08:00:00+00:00")]
    [InlineData("2011-01-24T08:00:00.5-05:00")]
    [InlineData("2011-01-24T08:00-05:00")]
    [InlineData(@"2011-01-24T08:00:00\u002B01:00")]
    public void A_timestamp_with_an_offset_is_refused_as_not_local(string timestamp)
    {
        var errors = FieldErrorsOf<BikeDemandRequest>($$"""[{"timestamp":"{{timestamp}}","weather":1,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}]""");

        var message = Assert.Single(errors["[0].timestamp"]);
        Assert.Contains("local time without an offset (Z or ±hh:mm)", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2011-01-24T08:00:00", 8)]
    [InlineData("2011-01-24T08:30", 8)]
    [InlineData("2011-01-24T23:59:59.9999999", 23)]
    [InlineData(@"2011-01-24\u005408:00:00", 8)]
    public void A_local_timestamp_is_read_as_the_clock_time_sent(string timestamp, int hour)
    {
        var bound = RequestBinder.Bind<BikeDemandRequest>(Encoding.UTF8.GetBytes($$"""{"timestamp":"{{timestamp}}","weather":1,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}"""), maxBatch: 1);

        Assert.Null(bound.Problem);
        Assert.Equal(hour, Assert.IsType<BikeDemandRequest>(Assert.Single(bound.Requests)).Timestamp!.Value.DateTime.Hour);
    }

    /// <summary>The field errors of a refused batch of <typeparamref name="T"/> (up to 3 items).</summary>
    private static Dictionary<string, string[]> FieldErrorsOf<T>(string json)
        where T : class
    {
        var problem = Assert.IsType<ProblemHttpResult>(RequestBinder.Bind<T>(Encoding.UTF8.GetBytes(json), maxBatch: 3).Problem);
        return Assert.IsType<HttpValidationProblemDetails>(problem.ProblemDetails).Errors.ToDictionary(e => e.Key, e => e.Value);
    }

    private sealed class Interval : System.ComponentModel.DataAnnotations.IValidatableObject
    {
        [System.ComponentModel.DataAnnotations.Range(0, 10)]
        public int Low { get; set; }

        public int High { get; set; }

        public IEnumerable<System.ComponentModel.DataAnnotations.ValidationResult> Validate(System.ComponentModel.DataAnnotations.ValidationContext validationContext)
        {
            if (High < Low)
            {
                yield return new("high must not be below low.", [nameof(High)]);
            }
        }
    }

    /// <summary>The <c>"name":value</c> text of one field in <paramref name="body"/>.</summary>
    private static string Field(string body, string field)
    {
        var start = body.IndexOf($"\"{field}\":", StringComparison.Ordinal);
        var end = body.IndexOfAny([',', '}'], start);
        return body[start..end];
    }
}
