using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.OpenApi;
using ServerlessMl.Http;

namespace ServerlessMl.Cli.Tests.Serve;

/// <summary>
/// The OpenAPI document serve publishes, read with Microsoft.OpenApi's own reader and held to the
/// live API: every operation it describes answers with a status it documents (its examples sent
/// as they are), and its routes are the route table's (which RouteTableTests holds both hosts to).
/// </summary>
public sealed class OpenApiTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    [Fact]
    public async Task The_document_is_valid_OpenAPI_and_describes_exactly_the_route_table()
    {
        var document = await LoadAsync();

        var operations = document.Paths.SelectMany(p => p.Value.Operations!.Select(o => $"{o.Key.Method.ToUpperInvariant()} {Template(p.Key)}")).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(Routes.All.Select(r => $"{r.Method} {r.Path}").Order(StringComparer.Ordinal), operations);
        Assert.Contains("/api/models/bike-demand/predict", document.Paths.Keys);
        Assert.Contains("/api/models/sms-spam/predict", document.Paths.Keys);
        Assert.Equal(["functionKeyHeader", "functionKeyQuery"], document.Components!.SecuritySchemes!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Request_schemas_carry_the_rules_the_binder_enforces()
    {
        using var json = JsonDocument.Parse(await GetDocumentAsync());
        var schemas = json.RootElement.GetProperty("components").GetProperty("schemas");

        var bike = schemas.GetProperty("BikeDemandRequest");
        Assert.Equal(["feelsLikeC", "humidity", "temperatureC", "timestamp", "weather", "windSpeedKmh"], bike.GetProperty("required").EnumerateArray().Select(e => e.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(100, bike.GetProperty("properties").GetProperty("humidity").GetProperty("maximum").GetDouble());
        // RFC 3339's date-time has an offset, which the timestamp refuses: the field says what it takes instead.
        var timestamp = bike.GetProperty("properties").GetProperty("timestamp");
        Assert.False(timestamp.TryGetProperty("format", out _), "a date-time format would ask clients for an offset");
        Assert.Contains("without an offset", timestamp.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.False(bike.GetProperty("additionalProperties").GetBoolean());
        var text = schemas.GetProperty("SmsSpamRequest").GetProperty("properties").GetProperty("text");
        Assert.Equal((1, 2000), (text.GetProperty("minLength").GetInt32(), text.GetProperty("maxLength").GetInt32()));
        Assert.Equal(["label", "model", "probability", "version"], schemas.GetProperty("SmsSpamAnswer").GetProperty("required").EnumerateArray().Select(e => e.GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Every_documented_operation_answers_with_a_documented_status_its_example_included()
    {
        var document = await LoadAsync();
        using var raw = JsonDocument.Parse(await GetDocumentAsync());
        var seen = new List<string>();
        foreach (var (path, item) in document.Paths.OrderBy(p => p.Key.Contains("promote", StringComparison.Ordinal)))
        {
            foreach (var (method, operation) in item.Operations!)
            {
                var url = path.Replace("{model}", "bike-demand", StringComparison.Ordinal);
                using var request = new HttpRequestMessage(new HttpMethod(method.Method), url);
                var example = raw.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method.Method.ToLowerInvariant());
                if (example.TryGetProperty("requestBody", out var body))
                {
                    request.Content = new StringContent(body.GetProperty("content").GetProperty("application/json").GetProperty("example").GetRawText(), Encoding.UTF8, "application/json");
                }

                if (operation.Security is { Count: > 0 })
                {
                    request.Headers.Add("x-functions-key", path.EndsWith("/retrain", StringComparison.Ordinal) || path.EndsWith("/promote", StringComparison.Ordinal) ? ServeFixture.AdminKey : ServeFixture.ApiKey);
                }

                using var response = await fixture.Serve.Client.SendAsync(request);
                var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(operation.Responses!.ContainsKey(status), $"{method.Method} {url} answered {status}, which the document does not list ({string.Join(", ", operation.Responses.Keys)})");
                var documented = operation.Responses[status].Content?.Keys ?? [];
                var mediaType = response.Content.Headers.ContentType?.MediaType;
                Assert.True(mediaType is null || documented.Contains(mediaType), $"{method.Method} {url} answered {status} as {mediaType}; the document says {string.Join(", ", documented)}");
                seen.Add($"{method.Method} {url} {status}");
            }
        }

        // The examples work: bike's predicts with its champion; promote's example is a real version.
        Assert.Contains("POST /api/models/bike-demand/predict 200", seen);
        Assert.Contains("POST /api/models/bike-demand/promote 200", seen);
        Assert.Contains("GET /api/openapi.json 200", seen);
    }

    [Fact]
    public async Task The_document_is_served_without_a_key()
    {
        using var response = await fixture.Serve.Client.GetAsync("/api/openapi.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<string> GetDocumentAsync() => await fixture.Serve.Client.GetStringAsync("/api/openapi.json");

    private async Task<OpenApiDocument> LoadAsync()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(await GetDocumentAsync()));
        var result = OpenApiDocument.Load(stream, "json");
        Assert.Empty(result.Diagnostic!.Errors);
        Assert.NotNull(result.Document);
        Assert.Empty(result.Document.Validate(Microsoft.OpenApi.ValidationRuleSet.GetDefaultRuleSet()) ?? []);
        return result.Document;
    }

    // Predict has one path per model; the table has one template.
    private static string Template(string path) =>
        System.Text.RegularExpressions.Regex.Replace(path, "^/api/models/[^/{}]+/predict$", "/api/models/{model}/predict");
}
