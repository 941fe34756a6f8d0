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
    public const string Score = "models/{model}/score";
    public const string Prediction = "models/{model}/predictions/{key}";
    public const string Predictions = "models/{model}/predictions";
    public const string Feedback = "models/{model}/feedback";
    public const string Health = "health";
    public const string OpenApi = "openapi.json";

    internal static IReadOnlyList<ApiRoute> All { get; } =
    [
        new("Predict", "POST", Predict, RouteAccess.Function, "Predict with the model's champion: one object, or an array of them."),
        new("ListModels", "GET", List, RouteAccess.Function, "Every registered model with its champion and what this instance serves."),
        new("GetModel", "GET", Model, RouteAccess.Function, "One model: its champion, versions and what this instance serves."),
        new("RetrainModelNow", "POST", Retrain, RouteAccess.Admin, "Run the retrain job for the model now and answer its outcome."),
        new("PromoteModel", "POST", Promote, RouteAccess.Admin, "Make a stored version the champion, after proving it loads and serves."),
        new("ScoreModelNow", "POST", Score, RouteAccess.Admin, "Run the precompute job for the model now: score its new scoring drops into the predictions table."),
        new("GetPrediction", "GET", Prediction, RouteAccess.Function, "A precomputed prediction by its key, with the version that made it and when."),
        new("ListPredictions", "GET", Predictions, RouteAccess.Function, "Precomputed predictions with keys from 'from' to 'to' (models whose keys are timestamps), a page at a time."),
        new("SendFeedback", "POST", Feedback, RouteAccess.Function, "Record the true outcome of answered predictions, by the x-request-id of the predict answer, for live quality."),
        new("Health", "GET", Health, RouteAccess.Anonymous, "Whether each model can serve: healthy, degraded or unhealthy."),
        new("OpenApi", "GET", OpenApi, RouteAccess.Anonymous, "This API described in OpenAPI 3.0: every route, each model's request and answer, the keys."),
    ];
}

/// <summary>Who may call a route: the Functions host's authorization levels, which serve's keys mirror.</summary>
internal enum RouteAccess
{
    Anonymous,

    /// <summary>The function (API) key or the admin key.</summary>
    Function,

    /// <summary>The admin (master) key only.</summary>
    Admin,
}

/// <summary>One route: the Functions function that serves it, its method, template under <c>/api/</c>, access and purpose.</summary>
internal sealed record ApiRoute(string Function, string Method, string Template, RouteAccess Access, string Summary)
{
    public string Path => $"/{Routes.Prefix}/{Template}";
}
