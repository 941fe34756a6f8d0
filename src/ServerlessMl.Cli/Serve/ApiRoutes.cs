using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServerlessMl.Http;

namespace ServerlessMl.Cli.Serve;

/// <summary>
/// The Functions app's routes (<see cref="Routes"/>) on plain Kestrel, bound to the same handlers,
/// with the same key levels: function-key routes accept the API key or the admin key, admin routes
/// only the admin key. A GET route answers HEAD too. A path routing matched with routes of other
/// methods is a 405 naming the allowed ones; any other unmatched path is a 404.
/// </summary>
public static class ApiRoutes
{
    public static void Map(WebApplication app, ApiKeys keys)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/" + Routes.Prefix);
        var function = Guarded(api, keys, keys.RequireFunctionKey);
        var admin = Guarded(api, keys, keys.RequireAdminKey);

        // The handlers are singletons taken from the app's services, not the request's: resolved per
        // request as parameters they would cost every call a service scope that nothing else needs.
        // Resolved at each call, not here: building predict's would build the pool and its storage
        // client on the start path, before the host listens.
        var services = app.Services;
        function.MapPost(Routes.Predict, (HttpRequest request, string model, CancellationToken ct) => services.GetRequiredService<PredictEndpoint>().HandleAsync(request, model, ct));
        function.MapMethods(Routes.List, GetAndHead, (CancellationToken ct) => services.GetRequiredService<ModelsEndpoint>().ListAsync(ct));
        function.MapMethods(Routes.Model, GetAndHead, (string model, CancellationToken ct) => services.GetRequiredService<ModelsEndpoint>().GetAsync(model, ct));
        admin.MapPost(Routes.Retrain, (string model, CancellationToken ct) => services.GetRequiredService<RetrainEndpoint>().HandleAsync(model, ct));
        admin.MapPost(Routes.Promote, (HttpRequest request, string model, CancellationToken ct) => services.GetRequiredService<PromoteEndpoint>().HandleAsync(request, model, ct));
        admin.MapPost(Routes.Score, (string model, CancellationToken ct) => services.GetRequiredService<ScoringEndpoint>().ScoreAsync(model, ct));
        function.MapMethods(Routes.Prediction, GetAndHead, (HttpRequest request, string model, string key, CancellationToken ct) => services.GetRequiredService<ScoringEndpoint>().GetAsync(request, model, key, ct));
        function.MapMethods(Routes.Predictions, GetAndHead, (HttpRequest request, string model, CancellationToken ct) => services.GetRequiredService<ScoringEndpoint>().ListAsync(request, model, ct));
        function.MapPost(Routes.Feedback, (HttpRequest request, string model, CancellationToken ct) => services.GetRequiredService<FeedbackEndpoint>().HandleAsync(request, model, ct));
        api.MapMethods(Routes.Health, GetAndHead, (CancellationToken ct) => services.GetRequiredService<HealthEndpoint>().HandleAsync(ct));
        api.MapMethods(Routes.OpenApi, GetAndHead, () => services.GetRequiredService<OpenApiEndpoint>().Handle());

        // Not MapFallback: a catch-all route is a second candidate in every request's match (its
        // route values and constraint included), a cost each prediction paid (docs/benchmarks.md).
        // Routing has run when this middleware does, and its verdict is the only one: no endpoint is
        // an unknown path, and its own 405 endpoint a path it matched with routes of other methods.
        app.Use((context, next) => context.GetEndpoint() switch
        {
            null => NoSuchRoute().ExecuteAsync(context),
            { DisplayName: MethodNotSupportedEndpoint } rejection => MethodNotAllowedAsync(context, rejection),
            _ => next(context),
        });
    }

    // The display name ASP.NET Core's routing gives the endpoint it makes for a path whose routes
    // all want other methods (HttpMethodMatcherPolicy).
    private const string MethodNotSupportedEndpoint = "405 HTTP Method Not Supported";

    // A GET route answers HEAD as GET without the body, as HTTP expects of a server that can.
    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    // Routing's own 405 endpoint sets the status and Allow from the routes that matched the path; it
    // writes no body, so the problem details that say the same are written after it.
    private static async Task MethodNotAllowedAsync(HttpContext context, Endpoint rejection)
    {
        await rejection.RequestDelegate!(context);
        var allowed = context.Response.Headers.Allow.ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        await Problems.MethodNotAllowed($"{context.Request.Method} is not allowed on {context.Request.Path}; use {string.Join(" or ", allowed)}.", allowed).ExecuteAsync(context);
    }

    // With no key configured every route is open (loopback only), and a filter that always lets the
    // call through would still cost every request its invocation context.
    private static RouteGroupBuilder Guarded(RouteGroupBuilder group, ApiKeys keys, Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> check) =>
        keys.Open ? group.MapGroup(string.Empty) : group.MapGroup(string.Empty).AddEndpointFilter(check);

    private static IResult NoSuchRoute() =>
        Problems.NotFound($"No such route. The routes are: {string.Join(", ", Routes.All.Select(r => $"{r.Method} {r.Path}"))}.");
}
