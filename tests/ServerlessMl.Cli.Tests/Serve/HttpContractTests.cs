using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ServerlessMl.Http;

namespace ServerlessMl.Cli.Tests.Serve;

/// <summary>Every documented status code of the API, over real loopback HTTP against `serverless-ml serve`.</summary>
public sealed class HttpContractTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    private const string Valid = BadBodies.ValidJson;
    private const string Predict = "/api/models/bike-demand/predict";

    private HttpClient Client => fixture.Serve.Client;

    [Fact]
    public async Task One_object_gives_one_prediction_naming_model_and_version()
    {
        using var response = await SendAsync(HttpMethod.Post, Predict, Valid, ServeFixture.ApiKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        // Sent in one piece with its length, not chunked. Read as sent: HttpClient would compute a
        // missing Content-Length from the buffered body.
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.True(response.Content.Headers.NonValidated.TryGetValues("Content-Length", out var sentLength), "the answer has no Content-Length");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), sentLength.ToString());
        var body = JsonSerializer.Deserialize<JsonElement>(bytes);
        Assert.Equal("bike-demand", body.GetProperty("model").GetString());
        Assert.Matches("^[0-9]{4}$", body.GetProperty("version").GetString());
        Assert.True(body.GetProperty("prediction").GetDouble() >= 0);
    }

    [Fact]
    public async Task An_array_gives_one_prediction_per_item_in_order()
    {
        var items = new[] { "T08:", "T03:", "T17:" }.Select(hour => Valid.Replace("T08:", hour, StringComparison.Ordinal)).ToArray();
        using var response = await SendAsync(HttpMethod.Post, Predict, $"[{string.Join(',', items)}]", ServeFixture.ApiKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var predictions = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions").EnumerateArray().Select(p => p.GetDouble()).ToArray();
        var singles = new double[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            using var single = await SendAsync(HttpMethod.Post, Predict, items[i], ServeFixture.ApiKey);
            singles[i] = (await single.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("prediction").GetDouble();
        }

        Assert.Equal(singles, predictions);
        Assert.Equal(items.Length, singles.Distinct().Count()); // distinct, so any other order fails
        Assert.True(predictions[0] > predictions[1], "08:00 on a Monday should beat 03:00");
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("", "empty")]
    [InlineData("[]", "batch is empty")]
    public async Task A_malformed_body_is_a_400_problem(string body, string expected)
    {
        using var response = await SendAsync(HttpMethod.Post, Predict, body, ServeFixture.ApiKey);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, expected);
    }

    [Theory]
    [InlineData("""{"timestamp":"2011-01-24T08:00:00","weather":7,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}""", "weather")]
    [InlineData("""{"timestamp":"2011-01-24T08:00:00","weather":1,"temperatureC":"warm","feelsLikeC":3,"humidity":60,"windSpeedKmh":12}""", "temperatureC")]
    [InlineData("""{"timestamp":"2011-01-24T08:00:00","weather":1,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}""", "temperatureC")]
    [InlineData("""{"timestamp":"yesterday","weather":1,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}""", "timestamp")]
    [InlineData("""{"timestamp":"2011-01-24T08:00:00","weather":1,"temprature":6,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}""", "temprature")]
    [InlineData("""[{"timestamp":"2011-01-24T08:00:00","weather":1,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}, 5]""", "[1]")]
    public async Task An_invalid_field_is_a_400_problem_naming_the_field(string body, string field)
    {
        using var response = await SendAsync(HttpMethod.Post, Predict, body, ServeFixture.ApiKey);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid");
        Assert.Contains(problem.GetProperty("errors").EnumerateObject(), e => e.Name.StartsWith(field, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"timestamp":"2011-01-24T08:00:00","weather":1,"Weather":3,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}""", "Weather", "not a known field")]
    [InlineData("""{"timestamp":"2011-01-24T08:00:00","weather":1,"weather":3,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}""", "weather", "more than once")]
    [InlineData("""{"Timestamp":"2011-01-24T08:00:00","weather":1,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}""", "Timestamp", "not a known field")]
    [InlineData("""{"timestamp":"2011-05-02","weather":1,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}""", "timestamp", "no time of day")]
    [InlineData("""{"timestamp":8,"weather":1,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}""", "timestamp", "date and a time")]
    [InlineData("""{"timestamp":"2011-01-24T08:00:00Z","weather":1,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}""", "timestamp", "local time without an offset")]
    [InlineData("""{"timestamp":"2011-01-24T08:00:00-05:00","weather":1,"temperatureC":6,"feelsLikeC":3,"humidity":60,"windSpeedKmh":12}""", "timestamp", "local time without an offset")]
    public async Task Field_names_match_exactly_once_and_a_timestamp_needs_its_hour(string body, string field, string message)
    {
        using var response = await SendAsync(HttpMethod.Post, Predict, body, ServeFixture.ApiKey);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid");
        var error = problem.GetProperty("errors").GetProperty(field)[0].GetString();
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_with_a_utf8_byte_order_mark_is_read()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Predict)
        {
            Content = new ByteArrayContent([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Valid)]),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("x-functions-key", ServeFixture.ApiKey);
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_wrong_content_type_is_a_415_problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Predict) { Content = new StringContent(Valid, Encoding.UTF8, "text/plain") };
        request.Headers.Add("x-functions-key", ServeFixture.ApiKey);
        using var response = await Client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "application/json");
    }

    [Theory]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=iso-8859-1")]
    public async Task A_charset_other_than_utf8_is_a_415_problem(string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Predict) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Valid)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        request.Headers.Add("x-functions-key", ServeFixture.ApiKey);
        using var response = await Client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "UTF-8");
    }

    [Fact]
    public async Task A_body_over_the_limit_or_a_batch_over_MaxBatch_is_a_413_problem()
    {
        using var big = await SendAsync(HttpMethod.Post, Predict, "[" + string.Join(',', Enumerable.Repeat(Valid, 12_000)) + "]", ServeFixture.ApiKey);
        await AssertProblemAsync(big, HttpStatusCode.RequestEntityTooLarge, "limit");

        using var batch = await SendAsync(HttpMethod.Post, Predict, "[" + string.Join(',', Enumerable.Repeat(Valid, 101)) + "]", ServeFixture.ApiKey);
        await AssertProblemAsync(batch, HttpStatusCode.RequestEntityTooLarge, "101 items; the limit is 100");
    }

    [Theory]
    [InlineData("/api/models/no-such-model/predict", "Unknown model 'no-such-model'")]
    [InlineData("/api/nothing-here", "No such route")]
    [InlineData("/favicon.ico", "No such route")]
    public async Task Unknown_models_and_routes_are_404_problems(string path, string expected)
    {
        using var response = await SendAsync(HttpMethod.Post, path, Valid, ServeFixture.ApiKey);

        await AssertProblemAsync(response, HttpStatusCode.NotFound, expected);
    }

    [Fact]
    public async Task Every_route_of_the_table_is_served_with_its_key_level()
    {
        foreach (var route in Routes.All)
        {
            var path = route.Path.Replace("{model}", "bike-demand", StringComparison.Ordinal).Replace("{key}", "2011-01-01T00:00", StringComparison.Ordinal)
                + (route.Template == Routes.Predictions ? "?from=2011-01-01&to=2011-01-01" : "");
            var method = new HttpMethod(route.Method);
            using var noKey = await SendAsync(method, path, null, key: null);
            var body = route.Template == Routes.Feedback ? """{"requestId":"route-check","label":3}""" : Valid;
            using var functionKey = await SendAsync(method, path, route.Method == "POST" && route.Access == RouteAccess.Function ? body : null, ServeFixture.ApiKey);
            switch (route.Access)
            {
                case RouteAccess.Anonymous:
                    Assert.Equal(HttpStatusCode.OK, noKey.StatusCode);
                    break;
                case RouteAccess.Function:
                    Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);

                    // Nothing is precomputed here: the key's read runs and finds no prediction.
                    Assert.Equal(
                        route.Template == Routes.Prediction ? HttpStatusCode.NotFound : route.Template == Routes.Feedback ? HttpStatusCode.Accepted : HttpStatusCode.OK,
                        functionKey.StatusCode);
                    break;
                default:
                    // The no-such-route answer takes no key: a 401 means the route matched and its filter refused.
                    Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
                    Assert.Equal(HttpStatusCode.Unauthorized, functionKey.StatusCode);
                    break;
            }
        }
    }

    [Theory]
    [InlineData("DELETE", "/api/models/bike-demand/predict", "POST")]
    [InlineData("GET", "/api/models/bike-demand/predict", "POST")]
    [InlineData("PUT", "/api/health", "GET,HEAD")]
    [InlineData("POST", "/api/models/bike-demand", "GET,HEAD")]
    [InlineData("GET", "/api/models/bike-demand/retrain", "POST")]
    [InlineData("POST", "/api/models/bike-demand%2Fpredict", "GET,HEAD")] // one segment: GET models/{model} matches it
    public async Task A_known_path_with_another_method_is_a_405_naming_the_allowed_ones(string method, string path, string allowed)
    {
        using var response = await SendAsync(new HttpMethod(method), path, null, ServeFixture.ApiKey);

        var methods = allowed.Split(',');
        await AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed, $"use {string.Join(" or ", methods)}");
        Assert.Equal(methods, response.Content.Headers.Allow);
    }

    // A path is served or it is a 404, whatever the method: a 405 only for a path routing matched
    // with another method, judged by routing itself rather than by a second matcher of our own.
    [Theory]
    [InlineData("/api/models/bike-demand/predict/", HttpStatusCode.OK)]
    [InlineData("/API/Models/BIKE-DEMAND/Predict", HttpStatusCode.OK)]
    [InlineData("/api/models/bike%2Ddemand/predict", HttpStatusCode.OK)]
    [InlineData("//api/models/bike-demand/predict", HttpStatusCode.NotFound)]
    [InlineData("/api//models/bike-demand/predict", HttpStatusCode.NotFound)]
    [InlineData("/api/models//bike-demand/predict", HttpStatusCode.NotFound)]
    [InlineData("/api/models/bike-demand//predict", HttpStatusCode.NotFound)]
    [InlineData("/api/models/bike-demand/predict//", HttpStatusCode.NotFound)]
    [InlineData("/api%2Fmodels/bike-demand/predict", HttpStatusCode.NotFound)]
    [InlineData("/api/models%2Fbike-demand/predict", HttpStatusCode.NotFound)]
    public async Task An_odd_path_is_served_or_a_404_never_a_405_that_names_its_own_method(string path, HttpStatusCode expected)
    {
        using var post = await SendAsync(HttpMethod.Post, path, Valid, ServeFixture.ApiKey);
        using var delete = await SendAsync(HttpMethod.Delete, path, null, ServeFixture.ApiKey);

        var text = await post.Content.ReadAsStringAsync();
        Assert.True(expected == post.StatusCode, $"POST {path}: expected {(int)expected}, got {(int)post.StatusCode}: {text}");
        if (expected == HttpStatusCode.OK)
        {
            await AssertProblemAsync(delete, HttpStatusCode.MethodNotAllowed, "use POST");
        }
        else
        {
            await AssertProblemAsync(post, HttpStatusCode.NotFound, "No such route");
            await AssertProblemAsync(delete, HttpStatusCode.NotFound, "No such route");
        }
    }

    [Fact]
    public async Task HEAD_on_a_GET_route_is_answered_as_GET_without_a_body()
    {
        foreach (var route in Routes.All.Where(r => r.Method == "GET"))
        {
            var path = route.Path.Replace("{model}", "bike-demand", StringComparison.Ordinal).Replace("{key}", "2011-01-01T00:00", StringComparison.Ordinal)
                + (route.Template == Routes.Predictions ? "?from=2011-01-01&to=2011-01-01" : "");
            using var get = await SendAsync(HttpMethod.Get, path, null, ServeFixture.ApiKey);
            using var head = await SendAsync(HttpMethod.Head, path, null, ServeFixture.ApiKey);
            using var headNoKey = await SendAsync(HttpMethod.Head, path, null, key: null);

            var expected = route.Template == Routes.Prediction ? HttpStatusCode.NotFound : HttpStatusCode.OK;
            Assert.True(expected == head.StatusCode, $"HEAD {path}: {(int)head.StatusCode}, Allow {head.Content.Headers.Allow.FirstOrDefault()}");
            Assert.Equal(get.StatusCode, head.StatusCode);
            Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
            Assert.Equal(route.Access == RouteAccess.Anonymous ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, headNoKey.StatusCode);
        }
    }

    [Fact]
    public async Task Keys_are_required_as_the_functions_host_requires_them()
    {
        using var noKey = await SendAsync(HttpMethod.Post, Predict, Valid, key: null);
        await AssertProblemAsync(noKey, HttpStatusCode.Unauthorized, "x-functions-key");

        using var functionKeyOnAdminRoute = await SendAsync(HttpMethod.Post, "/api/models/bike-demand/promote", """{"version":"0001"}""", ServeFixture.ApiKey);
        await AssertProblemAsync(functionKeyOnAdminRoute, HttpStatusCode.Unauthorized, "x-functions-key");

        using var adminKeyOnFunctionRoute = await SendAsync(HttpMethod.Post, Predict, Valid, ServeFixture.AdminKey);
        Assert.Equal(HttpStatusCode.OK, adminKeyOnFunctionRoute.StatusCode);

        using var health = await Client.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Models_lists_the_champion_manifest_and_the_loaded_version()
    {
        await SendAsync(HttpMethod.Post, Predict, Valid, ServeFixture.ApiKey); // make sure it is loaded

        using var list = await SendAsync(HttpMethod.Get, "/api/models", null, ServeFixture.ApiKey);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var model = (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("models")[0];
        Assert.Equal("bike-demand", model.GetProperty("model").GetString());
        Assert.Matches("^[0-9a-f]{64}$", model.GetProperty("champion").GetProperty("modelFile").GetProperty("sha256").GetString());
        Assert.Matches("^[0-9]{4}$", model.GetProperty("loaded").GetProperty("version").GetString());

        using var one = await SendAsync(HttpMethod.Get, "/api/models/bike-demand", null, ServeFixture.ApiKey);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        using var unknown = await SendAsync(HttpMethod.Get, "/api/models/nope", null, ServeFixture.ApiKey);
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound, "nope");
    }

    [Fact]
    public async Task Promote_takes_effect_on_this_instance_at_once_and_rejects_unknown_versions()
    {
        using var bad = await SendAsync(HttpMethod.Post, "/api/models/bike-demand/promote", """{"version":"0099"}""", ServeFixture.AdminKey);
        await AssertProblemAsync(bad, HttpStatusCode.NotFound, "0099");
        using var malformed = await SendAsync(HttpMethod.Post, "/api/models/bike-demand/promote", """{"version":3}""", ServeFixture.AdminKey);
        await AssertProblemAsync(malformed, HttpStatusCode.BadRequest, "version");

        try
        {
            using var promote = await SendAsync(HttpMethod.Post, "/api/models/bike-demand/promote", """{"version":"0001"}""", ServeFixture.AdminKey);
            Assert.Equal(HttpStatusCode.OK, promote.StatusCode);
            Assert.Equal("0001", (await promote.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("servingVersion").GetString());

            using var predict = await SendAsync(HttpMethod.Post, Predict, Valid, ServeFixture.ApiKey);
            Assert.Equal("0001", (await predict.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetString());
        }
        finally
        {
            using var back = await SendAsync(HttpMethod.Post, "/api/models/bike-demand/promote", """{"version":"0002"}""", ServeFixture.AdminKey);
            Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        }
    }

    [Fact]
    public async Task Retrain_with_no_new_data_reports_skipped()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/models/bike-demand/retrain", null, ServeFixture.AdminKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("skipped", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task With_no_champion_predict_is_a_503_problem_with_retry_after()
    {
        await using var empty = await ServeProcess.StartAsync(fixture.Environment(containerSuffix: "empty" + Guid.NewGuid().ToString("N")[..8]));

        using var request = new HttpRequestMessage(HttpMethod.Post, Predict) { Content = new StringContent(Valid, Encoding.UTF8, "application/json") };
        using var response = await empty.Client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "no champion");
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json, string? key)
    {
        // Absolute, so that a path starting with "//" stays a path rather than naming a host.
        using var request = new HttpRequestMessage(method, new Uri(Client.BaseAddress!.GetLeftPart(UriPartial.Authority) + path));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        return await Client.SendAsync(request);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Contains(detailContains, problem.GetProperty("detail").GetString() ?? string.Empty, StringComparison.Ordinal);
        return problem;
    }
}
