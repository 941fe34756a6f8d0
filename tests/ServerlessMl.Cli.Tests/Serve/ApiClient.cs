using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace ServerlessMl.Cli.Tests.Serve;

/// <summary>Sends one request to a serve process and reads what came back, timed.</summary>
internal static class ApiClient
{
    public const string Predict = "/api/models/bike-demand/predict";

    public static Task<Answer> SendAsync(HttpClient client, HttpMethod method, string path, string? json, string? key, CancellationToken cancellationToken = default) =>
        SendAsync(client, method, path, json is null ? null : Encoding.UTF8.GetBytes(json), "application/json", key, cancellationToken);

    /// <summary>Any bytes with any content type (null: no header), the key in the x-functions-key header.</summary>
    public static async Task<Answer> SendAsync(HttpClient client, HttpMethod method, string path, byte[]? body, string? contentType, string? key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        var clock = Stopwatch.StartNew();
        using var response = await client.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return new Answer(response.StatusCode, text, response.Content.Headers.ContentType?.MediaType, response.Headers.RetryAfter?.Delta, clock.Elapsed);
    }

    internal sealed record Answer(HttpStatusCode Status, string Body, string? MediaType, TimeSpan? RetryAfter, TimeSpan Elapsed)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;

        public override string ToString() => $"{(int)Status} after {Elapsed.TotalSeconds:F1} s: {Body}";
    }
}
