using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.OpenApi;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;

namespace ServerlessMl.Http;

/// <summary>
/// The OpenAPI 3.0 document of the API, built from the route table (<see cref="Routes"/>) and
/// the registered models' own request and answer types, so it cannot drift from what the handlers
/// bind: a field's JSON name, type, range, length and whether it is required come from the same
/// attributes the request binder enforces. Predict has one path per model (each has its own body);
/// the other model routes take <c>{model}</c> with the registered names as its values.
/// </summary>
internal sealed class OpenApiDocumentWriter
{
    private const string Problem = OpenApiSchemas.Problem;
    private const string ValidationProblem = OpenApiSchemas.ValidationProblem;
    private const string KeyHeader = "functionKeyHeader";
    private const string KeyQuery = "functionKeyQuery";

    // Optional fields the example leaves out are left out, not sent as null.
    // Written as a caller sends it: the binder's names and rules (a tabular row without its label).
    private static readonly JsonSerializerOptions ExampleOptions = new(RequestBinder.RequestJson) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly OpenApiDocument _document = new();
    private readonly ModelCatalog _catalog;
    private readonly OpenApiSchemas _schemas;

    private OpenApiDocumentWriter(ModelCatalog catalog)
    {
        _catalog = catalog;
        _schemas = new OpenApiSchemas(_document);
    }

    public static string Write(ModelCatalog catalog, string title, string version)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        new OpenApiDocumentWriter(catalog).Build(title, version).SerializeAsV3(new OpenApiJsonWriter(text));
        return text.ToString();
    }

    private OpenApiDocument Build(string title, string version)
    {
        var paths = new OpenApiPaths();
        foreach (var route in Routes.All)
        {
            var method = HttpMethod.Parse(route.Method);
            if (route.Template == Routes.Predict)
            {
                foreach (var model in _catalog.All)
                {
                    var path = new OpenApiPathItem();
                    path.AddOperation(method, PredictOperation(route, model));
                    paths[$"/{Routes.Prefix}/{route.Template.Replace("{model}", model.Name, StringComparison.Ordinal)}"] = path;
                }

                continue;
            }

            if (!paths.TryGetValue(route.Path, out var item))
            {
                paths[route.Path] = item = new OpenApiPathItem();
            }

            ((OpenApiPathItem)item).AddOperation(method, Operation(route));
        }

        _document.Info = new OpenApiInfo
        {
            Title = title,
            Version = version,
            Description = "Models trained on a schedule from daily drops, gated on quality, and served from a pool of prediction engines. Registered models: " + string.Join(", ", _catalog.Names) + ".",
        };
        _document.Paths = paths;
        _document.Components = new OpenApiComponents
        {
            Schemas = _schemas.All,
            SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                [KeyHeader] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "x-functions-key", Description = "A function key (function routes) or the admin key (every route)." },
                [KeyQuery] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Query, Name = "code", Description = "The same key as a query parameter." },
            },
        };
        return _document;
    }

    private OpenApiOperation PredictOperation(ApiRoute route, IModelDefinition model)
    {
        var request = _schemas.Register(model.RequestType, Pascal(model.Name) + "Request", answer: false);
        var single = _schemas.Register(model.AnswerTypes.Single, Pascal(model.Name) + "Answer", answer: true);
        var batch = _schemas.Register(model.AnswerTypes.Batch, Pascal(model.Name) + "BatchAnswer", answer: true);
        var content = new OpenApiMediaType
        {
            Schema = new OpenApiSchema { OneOf = [request, new OpenApiSchema { Type = JsonSchemaType.Array, MinItems = 1, Items = request }] },
            Example = model.ExampleRequest is { } example ? JsonSerializer.SerializeToNode(example, model.RequestType, ExampleOptions) : null,
        };

        var operation = Common(route, $"{route.Function}_{model.Name}", $"{route.Summary} Model: {model.Name} ({model.Task}). {model.Description}");
        operation.RequestBody = new OpenApiRequestBody { Required = true, Content = new Dictionary<string, IOpenApiMediaType> { ["application/json"] = content } };
        var responses = operation.Responses!;
        responses["200"] = JsonResponse("One answer for an object, or the answers in order for an array.", new OpenApiSchema { OneOf = [single, batch] });
        responses["400"] = ProblemResponse("Bad JSON or invalid fields (per-field messages under errors).", ValidationProblem);
        responses["413"] = ProblemResponse("Body over the size limit, or more items than the batch limit.");
        responses["415"] = ProblemResponse("Not application/json, or a charset other than UTF-8.");
        responses["503"] = ProblemResponse("No champion, or storage unreachable with nothing loaded; see Retry-After.");
        return operation;
    }

    private OpenApiOperation Operation(ApiRoute route)
    {
        var operation = Common(route, route.Function, route.Summary);
        var responses = operation.Responses!;
        responses["200"] = JsonResponse("OK", new OpenApiSchema { Type = JsonSchemaType.Object });
        if (route.Template.Contains("{model}", StringComparison.Ordinal))
        {
            operation.Parameters =
            [
                new OpenApiParameter
                {
                    Name = "model",
                    In = ParameterLocation.Path,
                    Required = true,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. _catalog.Names.Select(n => (JsonNode)n)] },
                },
            ];
            responses["404"] = ProblemResponse("Unknown model (or version).");
        }

        if (route.Template == Routes.Promote)
        {
            var body = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string> { "version" },
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["version"] = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{4,}$" },
                    ["force"] = new OpenApiSchema { Type = JsonSchemaType.Boolean, Default = false },
                },
            };
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, IOpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = body, Example = new JsonObject { ["version"] = "0001" } } },
            };
            responses["400"] = ProblemResponse("Bad body.");
            responses["422"] = ProblemResponse("The version cannot serve; nothing changed.");
        }

        if (route.Template is Routes.Prediction or Routes.Predictions)
        {
            operation.Parameters = [.. operation.Parameters!, .. PredictionParameters(route.Template == Routes.Prediction)];
            responses["400"] = ProblemResponse("A bad key or query parameter.");
            responses["404"] = ProblemResponse("Unknown model, a model that is not precomputed, or no stored prediction for the key.");
        }

        if (route.Template == Routes.Feedback)
        {
            operation.RequestBody = OpenApiFeedback.RequestBody(_catalog);
            responses.Remove("200");
            responses["202"] = JsonResponse("Recorded: the model, when it was received, and each item as stored.", new OpenApiSchema { Type = JsonSchemaType.Object });
            responses["400"] = ProblemResponse("Bad JSON or invalid fields (per-field messages under errors).", ValidationProblem);
            responses["413"] = ProblemResponse("Body over the size limit, or more items than the batch limit.");
            responses["415"] = ProblemResponse("Not application/json, or a charset other than UTF-8.");
        }

        if (route.Template == Routes.Score)
        {
            responses["409"] = ProblemResponse("Another scoring run of the model is in progress, or it has no champion that can serve.");
        }

        if (route.Template == Routes.Retrain)
        {
            responses["409"] = ProblemResponse("Another retrain of the model is running, or the champion or a drop changed while this one ran: run again.");
            responses["422"] = ProblemResponse("The run failed on the data or the trainer; nothing was promoted.");
        }

        responses["503"] = route.Template == Routes.Health
            ? JsonResponse("A model with a champion cannot be served here (the same report as the 200).", new OpenApiSchema { Type = JsonSchemaType.Object })
            : ProblemResponse("Storage unreachable or too slow; see Retry-After.");
        return operation;
    }

    private static IEnumerable<OpenApiParameter> PredictionParameters(bool oneKey)
    {
        OpenApiParameter Query(string name, string description, JsonSchemaType type = JsonSchemaType.String, bool required = false) =>
            new() { Name = name, In = ParameterLocation.Query, Required = required, Description = description, Schema = new OpenApiSchema { Type = type } };

        if (oneKey)
        {
            yield return new OpenApiParameter { Name = "key", In = ParameterLocation.Path, Required = true, Description = "The row's key, as the model gives it (e.g. an hour, 2012-12-31T05:00, or a message id).", Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = Scoring.PredictionTable.MaxKeyLength } };
            yield return Query("day", "The day the prediction is stored under (yyyy-MM-dd): a point read for keys that do not start with their day.");
            yield break;
        }

        yield return Query("from", "First key (or day, yyyy-MM-dd) of the range.", required: true);
        yield return Query("to", $"Last key (or day) of the range; at most {ScoringEndpoint.MaxRangeDays} days after 'from'.", required: true);
        yield return Query("limit", $"Predictions per page, 1 to {ScoringEndpoint.MaxPageSize} (default {RangeQuery.DefaultPageSize}).", JsonSchemaType.Integer);
        yield return Query("continuation", "The 'continuation' of the previous page, to read the next one.");
    }

    private OpenApiOperation Common(ApiRoute route, string operationId, string summary)
    {
        var operation = new OpenApiOperation
        {
            OperationId = operationId,
            Summary = summary,
            Tags = new HashSet<OpenApiTagReference> { new(route.Access switch { RouteAccess.Admin => "admin", RouteAccess.Function => "models", _ => "health" }, _document) },
            Responses = [],
            Security = [],
        };
        if (route.Access != RouteAccess.Anonymous)
        {
            // Either form of the key will do: two requirements, each met alone.
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(KeyHeader, _document)] = [] });
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(KeyQuery, _document)] = [] });
            operation.Responses["401"] = ProblemResponse(route.Access == RouteAccess.Admin ? "Missing or wrong key: this route takes the admin key only." : "Missing or wrong key.");
        }

        return operation;
    }

    /// <summary>An error answer: RFC 9457 problem details.</summary>
    private OpenApiResponse ProblemResponse(string description, string schema = Problem) =>
        Response(description, "application/problem+json", new OpenApiSchemaReference(schema, _document));

    private static OpenApiResponse JsonResponse(string description, IOpenApiSchema schema) => Response(description, "application/json", schema);

    private static OpenApiResponse Response(string description, string mediaType, IOpenApiSchema schema) => new()
    {
        Description = description,
        Content = new Dictionary<string, IOpenApiMediaType> { [mediaType] = new OpenApiMediaType { Schema = schema } },
    };

    private static string Pascal(string name) =>
        string.Concat(name.Split('-', '_').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}
