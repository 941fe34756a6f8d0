using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ServerlessMl.Http;

namespace ServerlessMl.Cli.Serve;

/// <summary>
/// The Functions app's routes on plain Kestrel, bound to the same handlers, with the same key
/// levels: function-key routes accept the API key or the admin key, admin routes only the admin key.
/// </summary>
public static class ApiRoutes
{
    public static void Map(WebApplication app, ApiKeys keys, bool benchmarkEndpoints)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api");
        var function = api.MapGroup(string.Empty).AddEndpointFilter(keys.RequireFunctionKey);
        var admin = api.MapGroup(string.Empty).AddEndpointFilter(keys.RequireAdminKey);

        function.MapPost("/models/{model}/predict", (HttpRequest request, string model, PredictEndpoint endpoint, CancellationToken ct) => endpoint.HandleAsync(request, model, ct));
        function.MapGet("/models", (ModelsEndpoint endpoint, CancellationToken ct) => endpoint.ListAsync(ct));
        function.MapGet("/models/{model}", (string model, ModelsEndpoint endpoint, CancellationToken ct) => endpoint.GetAsync(model, ct));
        admin.MapPost("/models/{model}/retrain", (string model, RetrainEndpoint endpoint, CancellationToken ct) => endpoint.HandleAsync(model, ct));
        admin.MapPost("/models/{model}/promote", (HttpRequest request, string model, PromoteEndpoint endpoint, CancellationToken ct) => endpoint.HandleAsync(request, model, ct));
        api.MapGet("/health", (HealthEndpoint endpoint, CancellationToken ct) => endpoint.HandleAsync(ct));

        if (benchmarkEndpoints)
        {
            // Behind the function key like the API: the by-hand endpoint downloads and loads a model per call.
            var bench = app.MapGroup("/bench").AddEndpointFilter(keys.RequireFunctionKey);

            // The floor for HTTP benchmarks: same host, same pipeline and key check, no model.
            bench.MapPost("/constant", async (HttpRequest request, CancellationToken ct) =>
            {
                await request.Body.CopyToAsync(Stream.Null, ct);
                return Results.Ok(new Models.RegressionAnswer("constant", "0000", 1.0));
            });

            // The cold-start floor: the same host, the model loaded by hand on each call.
            bench.MapPost("/by-hand/{model}/predict", (HttpRequest request, string model, ByHandPredictEndpoint endpoint, CancellationToken ct) => endpoint.HandleAsync(request, model, ct));
        }

        app.MapFallback(() => Problems.NotFound("No such route. See README: /api/models/{model}/predict, /api/models, /api/health."));
    }
}
