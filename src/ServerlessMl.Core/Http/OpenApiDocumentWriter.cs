using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ServerlessMl.Models;
using ServerlessMl.Registry;

namespace ServerlessMl.Http;

/// <summary>
/// The OpenAPI 3.0 document of the API, written from the route table (<see cref="Routes"/>) and
/// the registered models' own request and answer types, so it cannot drift from what the handlers
/// bind: a field's JSON name, type, range, length and whether it is required come from the same
/// attributes the request binder enforces. Predict has one path per model (each has its own body);
/// the other model routes take <c>{model}</c> with the registered names as its values.
/// </summary>
internal static class OpenApiDocumentWriter
{
    private const string ProblemRef = "#/components/schemas/ProblemDetails";
    private const string ValidationProblemRef = "#/components/schemas/ValidationProblemDetails";

    // Optional fields the example leaves out are left out, not sent as null.
    private static readonly JsonSerializerOptions ExampleOptions = new(RegistryJson.Options) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static string Write(ModelCatalog catalog, string title, string version)
    {
        var schemas = new JsonObject
        {
            ["ProblemDetails"] = Problem(validation: false),
            ["ValidationProblemDetails"] = Problem(validation: true),
        };
        var paths = new JsonObject();
        foreach (var route in Routes.All)
        {
            if (route.Template == Routes.Predict)
            {
                foreach (var model in catalog.All)
                {
                    paths[$"/{Routes.Prefix}/{route.Template.Replace("{model}", model.Name, StringComparison.Ordinal)}"] = new JsonObject
                    {
                        [route.Method.ToLowerInvariant()] = PredictOperation(route, model, schemas),
                    };
                }

                continue;
            }

            var path = (JsonObject?)paths[route.Path] ?? [];
            path[route.Method.ToLowerInvariant()] = Operation(route, catalog);
            paths[route.Path] = path;
        }

        var document = new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject
            {
                ["title"] = title,
                ["version"] = version,
                ["description"] = "Models trained on a schedule from daily drops, gated on quality, and served from a pool of prediction engines. Registered models: " + string.Join(", ", catalog.Names) + ".",
            },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["securitySchemes"] = new JsonObject
                {
                    ["functionKeyHeader"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "x-functions-key", ["description"] = "A function key (function routes) or the admin key (every route)." },
                    ["functionKeyQuery"] = new JsonObject { ["type"] = "apiKey", ["in"] = "query", ["name"] = "code", ["description"] = "The same key as a query parameter." },
                },
            },
        };
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject PredictOperation(ApiRoute route, IModelDefinition model, JsonObject schemas)
    {
        var request = Register(schemas, model.RequestType, Pascal(model.Name) + "Request", answer: false);
        var single = Register(schemas, model.AnswerTypes.Single, Pascal(model.Name) + "Answer", answer: true);
        var batch = Register(schemas, model.AnswerTypes.Batch, Pascal(model.Name) + "BatchAnswer", answer: true);
        var content = new JsonObject
        {
            ["schema"] = new JsonObject
            {
                ["oneOf"] = new JsonArray(Ref(request), new JsonObject { ["type"] = "array", ["minItems"] = 1, ["items"] = Ref(request) }),
            },
        };
        if (model.ExampleRequest is { } example)
        {
            content["example"] = JsonSerializer.SerializeToNode(example, model.RequestType, ExampleOptions);
        }

        var operation = Common(route, $"{route.Function}_{model.Name}", $"{route.Summary} Model: {model.Name} ({model.Task}). {model.Description}");
        operation["requestBody"] = new JsonObject { ["required"] = true, ["content"] = new JsonObject { ["application/json"] = content } };
        var responses = (JsonObject)operation["responses"]!;
        responses["200"] = JsonResponse("One answer for an object, or the answers in order for an array.", new JsonObject { ["oneOf"] = new JsonArray(Ref(single), Ref(batch)) });
        responses["400"] = ProblemResponse("Bad JSON or invalid fields (per-field messages under errors).", Ref(ValidationProblemRef));
        responses["413"] = ProblemResponse("Body over the size limit, or more items than the batch limit.", Ref(ProblemRef));
        responses["415"] = ProblemResponse("Not application/json.", Ref(ProblemRef));
        responses["503"] = ProblemResponse("No champion, or storage unreachable with nothing loaded; see Retry-After.", Ref(ProblemRef));
        return operation;
    }

    private static JsonObject Operation(ApiRoute route, ModelCatalog catalog)
    {
        var operation = Common(route, route.Function, route.Summary);
        var responses = (JsonObject)operation["responses"]!;
        responses["200"] = JsonResponse("OK", new JsonObject { ["type"] = "object" });
        if (route.Template.Contains("{model}", StringComparison.Ordinal))
        {
            operation["parameters"] = new JsonArray(new JsonObject
            {
                ["name"] = "model",
                ["in"] = "path",
                ["required"] = true,
                ["schema"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. catalog.Names.Select(n => (JsonNode)n)]) },
            });
            responses["404"] = ProblemResponse("Unknown model (or version).", Ref(ProblemRef));
        }

        if (route.Template == Routes.Promote)
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject
                {
                    ["application/json"] = new JsonObject
                    {
                        ["schema"] = new JsonObject
                        {
                            ["type"] = "object",
                            ["required"] = new JsonArray("version"),
                            ["properties"] = new JsonObject
                            {
                                ["version"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[0-9]{4,}$" },
                                ["force"] = new JsonObject { ["type"] = "boolean", ["default"] = false },
                            },
                        },
                        ["example"] = new JsonObject { ["version"] = "0001" },
                    },
                },
            };
            responses["400"] = ProblemResponse("Bad body.", Ref(ProblemRef));
            responses["422"] = ProblemResponse("The version cannot serve; nothing changed.", Ref(ProblemRef));
        }

        if (route.Template == Routes.Retrain)
        {
            responses["409"] = ProblemResponse("Another retrain of the model is running, or the champion or a drop changed while this one ran: run again.", Ref(ProblemRef));
            responses["422"] = ProblemResponse("The run failed on the data or the trainer; nothing was promoted.", Ref(ProblemRef));
        }

        responses["503"] = route.Template == Routes.Health
            ? JsonResponse("A model with a champion cannot be served here (the same report as the 200).", new JsonObject { ["type"] = "object" })
            : ProblemResponse("Storage unreachable or too slow; see Retry-After.", Ref(ProblemRef));
        return operation;
    }

    private static JsonObject Common(ApiRoute route, string operationId, string summary)
    {
        var responses = new JsonObject();
        var operation = new JsonObject
        {
            ["operationId"] = operationId,
            ["summary"] = summary,
            ["tags"] = new JsonArray(route.Access == RouteAccess.Admin ? "admin" : route.Access == RouteAccess.Function ? "models" : "health"),
            ["responses"] = responses,
        };
        if (route.Access == RouteAccess.Anonymous)
        {
            operation["security"] = new JsonArray();
        }
        else
        {
            operation["security"] = new JsonArray(new JsonObject { ["functionKeyHeader"] = new JsonArray() }, new JsonObject { ["functionKeyQuery"] = new JsonArray() });
            responses["401"] = ProblemResponse(route.Access == RouteAccess.Admin ? "Missing or wrong key: this route takes the admin key only." : "Missing or wrong key.", Ref(ProblemRef));
        }

        return operation;
    }

    /// <summary>An error answer: RFC 9457 problem details.</summary>
    private static JsonObject ProblemResponse(string description, JsonNode schema) => Response(description, "application/problem+json", schema);

    private static JsonObject JsonResponse(string description, JsonNode schema) => Response(description, "application/json", schema);

    private static JsonObject Response(string description, string mediaType, JsonNode schema) => new()
    {
        ["description"] = description,
        ["content"] = new JsonObject { [mediaType] = new JsonObject { ["schema"] = schema } },
    };

    private static JsonObject Ref(string reference) => new() { ["$ref"] = reference };

    /// <summary>
    /// Adds the schema of <paramref name="type"/> (and of the records it holds) under <paramref name="name"/>.
    /// An answer always carries every field; a request says which are required with [Required].
    /// </summary>
    private static string Register(JsonObject schemas, Type type, string name, bool answer)
    {
        if (!schemas.ContainsKey(name))
        {
            schemas[name] = ObjectSchema(schemas, type, answer);
        }

        return $"#/components/schemas/{name}";
    }

    private static JsonObject ObjectSchema(JsonObject schemas, Type type, bool answer)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            var schema = Schema(schemas, property.PropertyType, answer);
            foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>(inherit: true))
            {
                switch (attribute)
                {
                    case RequiredAttribute:
                        required.Add(name);
                        break;
                    case RangeAttribute range:
                        schema["minimum"] = JsonValue.Create(Convert.ToDouble(range.Minimum, System.Globalization.CultureInfo.InvariantCulture));
                        schema["maximum"] = JsonValue.Create(Convert.ToDouble(range.Maximum, System.Globalization.CultureInfo.InvariantCulture));
                        break;
                    case StringLengthAttribute length:
                        schema["maxLength"] = length.MaximumLength;
                        schema["minLength"] = length.MinimumLength;
                        break;
                }
            }

            properties[name] = schema;
        }

        var result = new JsonObject { ["type"] = "object", ["properties"] = properties, ["additionalProperties"] = false };
        if (answer)
        {
            result["required"] = new JsonArray([.. properties.Select(p => (JsonNode)p.Key)]);
        }
        else if (required.Count > 0)
        {
            result["required"] = required;
        }

        return result;
    }

    private static JsonObject Schema(JsonObject schemas, Type type, bool answer)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (underlying == typeof(DateTimeOffset) || underlying == typeof(DateTime))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }

        if (underlying == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (underlying == typeof(int) || underlying == typeof(long) || underlying == typeof(short))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = underlying == typeof(long) ? "int64" : "int32" };
        }

        if (underlying == typeof(double) || underlying == typeof(float) || underlying == typeof(decimal))
        {
            return new JsonObject { ["type"] = "number", ["format"] = underlying == typeof(float) ? "float" : "double" };
        }

        if (underlying != typeof(string) && typeof(IEnumerable).IsAssignableFrom(underlying))
        {
            var item = underlying.IsArray ? underlying.GetElementType()! : underlying.GetGenericArguments().Single();
            return new JsonObject { ["type"] = "array", ["items"] = Schema(schemas, item, answer) };
        }

        return Ref(Register(schemas, underlying, underlying.Name, answer));
    }

    private static JsonObject Problem(bool validation)
    {
        var properties = new JsonObject
        {
            ["type"] = new JsonObject { ["type"] = "string" },
            ["title"] = new JsonObject { ["type"] = "string" },
            ["status"] = new JsonObject { ["type"] = "integer", ["format"] = "int32" },
            ["detail"] = new JsonObject { ["type"] = "string" },
        };
        if (validation)
        {
            properties["errors"] = new JsonObject
            {
                ["type"] = "object",
                ["description"] = "Messages by JSON path of the field (e.g. temperatureC, [3].weather).",
                ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
            };
        }

        return new JsonObject { ["type"] = "object", ["description"] = "RFC 9457 problem details.", ["properties"] = properties };
    }

    private static string Pascal(string name) =>
        string.Concat(name.Split('-', '_').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}
