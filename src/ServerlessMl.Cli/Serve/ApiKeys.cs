using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ServerlessMl.Cli.Serve;

/// <summary>
/// Keys as the Functions host takes them: header <c>x-functions-key</c> or query <c>code</c>.
/// With no key at all (local development on loopback) every route is open. Once any key is
/// configured nothing is open: function routes take the function or the admin key, admin routes
/// only the admin key, and with no admin key configured they refuse everyone, as the Functions
/// host's admin level does without its master key.
/// </summary>
public sealed class ApiKeys(string? functionKey, string? adminKey)
{
    public bool Open => functionKey is null && adminKey is null;

    public bool AdminConfigured => adminKey is not null;

    public bool FunctionConfigured => functionKey is not null;

    public ValueTask<object?> RequireFunctionKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var given = Given(context.HttpContext.Request);
        return Open || Matches(given, functionKey) || Matches(given, adminKey)
            ? next(context)
            : ValueTask.FromResult<object?>(Unauthorized("Send the function or admin key in the x-functions-key header (or the code query parameter)."));
    }

    public ValueTask<object?> RequireAdminKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return Open || Matches(Given(context.HttpContext.Request), adminKey)
            ? next(context)
            : ValueTask.FromResult<object?>(Unauthorized("This route needs the admin key in the x-functions-key header (or the code query parameter)."));
    }

    /// <summary>
    /// True for what serve binds to exactly: Kestrel takes anything else (a name, <c>*</c>, a typo) as
    /// every interface, which would serve the network when the user meant one address.
    /// </summary>
    public static bool IsAddress(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host.Trim('[', ']'), out _);

    /// <summary>True for an address only this machine can reach: serving without keys is allowed only there.</summary>
    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static string? Given(HttpRequest request) =>
        request.Headers.TryGetValue("x-functions-key", out var header) && header.Count > 0 ? header[0]
        : request.Query.TryGetValue("code", out var code) && code.Count > 0 ? code[0]
        : null;

    private static bool Matches(string? given, string? expected) =>
        given is not null && expected is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));

    private static IResult Unauthorized(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
}
