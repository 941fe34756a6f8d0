using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ServerlessMl.Cli.Serve;

/// <summary>
/// Keys as the Functions host takes them: header <c>x-functions-key</c> or query <c>code</c>.
/// A level with no key configured is open (local development).
/// </summary>
public sealed class ApiKeys(string? functionKey, string? adminKey)
{
    public bool FunctionOpen => functionKey is null && adminKey is null;

    public bool AdminOpen => adminKey is null;

    public ValueTask<object?> RequireFunctionKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var given = Given(context.HttpContext.Request);
        return FunctionOpen || Matches(given, functionKey) || Matches(given, adminKey)
            ? next(context)
            : ValueTask.FromResult<object?>(Unauthorized());
    }

    public ValueTask<object?> RequireAdminKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return AdminOpen || Matches(Given(context.HttpContext.Request), adminKey)
            ? next(context)
            : ValueTask.FromResult<object?>(Unauthorized());
    }

    private static string? Given(HttpRequest request) =>
        request.Headers.TryGetValue("x-functions-key", out var header) && header.Count > 0 ? header[0]
        : request.Query.TryGetValue("code", out var code) && code.Count > 0 ? code[0]
        : null;

    private static bool Matches(string? given, string? expected) =>
        given is not null && expected is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));

    private static IResult Unauthorized() =>
        Results.Problem(detail: "Send the key in the x-functions-key header (or the code query parameter).", statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
}
