using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace ServerlessMl.Http;

/// <summary>RFC 9457 problem responses, the only error shape the API returns.</summary>
internal static class Problems
{
    public static IResult BadRequest(string detail, IDictionary<string, string[]>? errors = null) =>
        errors is null
            ? Results.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request")
            : Results.ValidationProblem(errors, detail: detail, title: "The request has invalid fields");

    public static IResult NotFound(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    /// <summary>The one answer for a model name that is not registered: 404 naming the ones that are.</summary>
    public static IResult UnknownModel(string model, Definitions.ModelCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return NotFound(catalog.Unknown(model));
    }

    /// <summary>405 for a known path called with a method it does not take, with Allow naming those it does.</summary>
    public static IResult MethodNotAllowed(string detail, IEnumerable<string> allowed) =>
        new WithHeader(
            Results.Problem(detail: detail, statusCode: StatusCodes.Status405MethodNotAllowed, title: "Method not allowed"),
            "Allow",
            string.Join(", ", allowed));

    public static IResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict", extensions: extensions);

    public static IResult PayloadTooLarge(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large");

    public static IResult UnsupportedMediaType(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");

    public static IResult Unprocessable(string title, string detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: title, extensions: extensions);

    /// <summary>503 with Retry-After: nothing to serve yet, try again later.</summary>
    public static IResult Unavailable(string detail, int retryAfterSeconds) =>
        WithRetryAfter(
            Results.Problem(detail: detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable"),
            retryAfterSeconds);

    /// <summary>Adds a Retry-After header to any result.</summary>
    public static IResult WithRetryAfter(IResult result, int retryAfterSeconds) =>
        new WithHeader(result, "Retry-After", retryAfterSeconds.ToString(CultureInfo.InvariantCulture));

    /// <summary>503 for a storage outage or deadline: a stable reason, never the SDK's text (it names endpoints).</summary>
    public static IResult StorageUnavailable(Exception exception, int retryAfterSeconds) =>
        Unavailable(Capitalize(Storage.StorageFailure.Reason(exception)) + "; try again later.", retryAfterSeconds);

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private sealed class WithHeader(IResult inner, string name, string value) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => (inner as IStatusCodeHttpResult)?.StatusCode;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
