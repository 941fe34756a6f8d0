using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using ServerlessMl.Definitions;

namespace ServerlessMl.Http;

/// <summary>The feedback route's request body in the OpenAPI document: one item or an array of them, the label as each model takes it.</summary>
internal static class OpenApiFeedback
{
    public static OpenApiRequestBody RequestBody(ModelCatalog catalog)
    {
        var labels = string.Join("; ", catalog.All.Select(m => m is IBinaryClassifier binary
            ? $"{m.Name}: \"{binary.PositiveLabel}\" or \"{binary.NegativeLabel}\""
            : $"{m.Name}: a number in the label's units"));
        var item = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "requestId", "label" },
            AdditionalPropertiesAllowed = false,
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["requestId"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Pattern = FeedbackBody.RequestIdPattern,
                    Description = "The x-request-id header of the predict answer. Whether it was logged is found out later, by the live quality job.",
                },
                ["item"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0", Default = 0, Description = "The item's index in a batch predict request; 0 for a single one." },
                ["label"] = new OpenApiSchema { Description = "The true outcome, as the model's training data has it. " + labels + "." },
            },
        };
        var example = new JsonObject
        {
            ["requestId"] = "0HN8EXAMPLE:00000001",
            ["item"] = 0,
            ["label"] = catalog.All.FirstOrDefault() is IBinaryClassifier first ? first.PositiveLabel : 120,
        };
        return new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/json"] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema { OneOf = [item, new OpenApiSchema { Type = JsonSchemaType.Array, MinItems = 1, Items = item }] },
                    Example = example,
                },
            },
        };
    }
}
