namespace ServerlessMl.Http;

/// <summary>
/// The HTTP API's one route table. The Functions triggers take their routes from these constants,
/// <c>serverless-ml serve</c> maps the same ones, the tests check both hosts against
/// <see cref="All"/>, and the README lists them from it.
/// </summary>
public static class Routes
{
    /// <summary>Every route below is under <c>/api/</c>, as the Functions host puts it.</summary>
    public const string Prefix = "api";

    public const string Predict = "models/{model}/predict";
    public const string List = "models";
    public const string Model = "models/{model}";
    public const string Retrain = "models/{model}/retrain";
    public const string Promote = "models/{model}/promote";
    public const string Health = "health";
    public const string OpenApi = "openapi.json";

    public static IReadOnlyList<ApiRoute> All { get; } =
    [
        new("Predict", "POST", Predict, RouteAccess.Function, "Predict with the model's champion: one object, or an array of them."),
        new("ListModels", "GET", List, RouteAccess.Function, "Every registered model with its champion and what this instance serves."),
        new("GetModel", "GET", Model, RouteAccess.Function, "One model: its champion, versions and what this instance serves."),
        new("RetrainModelNow", "POST", Retrain, RouteAccess.Admin, "Run the retrain job for the model now and answer its outcome."),
        new("PromoteModel", "POST", Promote, RouteAccess.Admin, "Make a stored version the champion, after proving it loads and serves."),
        new("Health", "GET", Health, RouteAccess.Anonymous, "Whether each model can serve: healthy, degraded or unhealthy."),
        new("OpenApi", "GET", OpenApi, RouteAccess.Anonymous, "This API described in OpenAPI 3.0: every route, each model's request and answer, the keys."),
    ];

    /// <summary>
    /// The methods the table allows on <paramref name="path"/> (e.g. <c>/api/models/bike-demand</c>),
    /// empty when no route has that shape: a 405 with these in Allow, or a 404.
    /// </summary>
    public static IReadOnlyList<string> MethodsFor(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = path.Trim('/').Split('/');
        if (segments.Length < 2 || !string.Equals(segments[0], Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        return [.. All.Where(r => Matches(r.Template.Split('/'), segments.AsSpan(1))).Select(r => r.Method).Distinct()];
    }

    private static bool Matches(string[] template, ReadOnlySpan<string> path)
    {
        if (template.Length != path.Length)
        {
            return false;
        }

        for (var i = 0; i < template.Length; i++)
        {
            var parameter = template[i].StartsWith('{');
            if (parameter ? path[i].Length == 0 : !string.Equals(template[i], path[i], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>Who may call a route: the Functions host's authorization levels, which serve's keys mirror.</summary>
public enum RouteAccess
{
    Anonymous,

    /// <summary>The function (API) key or the admin key.</summary>
    Function,

    /// <summary>The admin (master) key only.</summary>
    Admin,
}

/// <summary>One route: the Functions function that serves it, its method, template under <c>/api/</c>, access and purpose.</summary>
public sealed record ApiRoute(string Function, string Method, string Template, RouteAccess Access, string Summary)
{
    public string Path => $"/{Routes.Prefix}/{Template}";
}
