using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.OpenApi;

namespace ServerlessMl.Http;

/// <summary>
/// The schemas of an OpenAPI document: RFC 9457 problem details, and each model's request and
/// answer types read from the same attributes the request binder enforces.
/// </summary>
internal sealed class OpenApiSchemas(OpenApiDocument document)
{
    public const string Problem = "ProblemDetails";
    public const string ValidationProblem = "ValidationProblemDetails";

    /// <summary>Every schema registered so far, by name: the document's components.</summary>
    public Dictionary<string, IOpenApiSchema> All { get; } = new(StringComparer.Ordinal)
    {
        [Problem] = ProblemSchema(validation: false),
        [ValidationProblem] = ProblemSchema(validation: true),
    };

    /// <summary>
    /// Adds the schema of <paramref name="type"/> (and of the records it holds) under <paramref name="name"/>.
    /// An answer always carries every field; a request says which are required with [Required].
    /// </summary>
    public OpenApiSchemaReference Register(Type type, string name, bool answer)
    {
        if (!All.ContainsKey(name))
        {
            All[name] = ObjectSchema(type, answer);
        }

        return new OpenApiSchemaReference(name, document);
    }

    private OpenApiSchema ObjectSchema(Type type, bool answer)
    {
        var properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        var required = new HashSet<string>(StringComparer.Ordinal);
        // A tabular model's row, as a request: sent without its label, every other field required (as the binder reads it).
        var row = !answer && Definitions.TabularRows.IsRow(type);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (row && Definitions.TabularRows.IsLabel(property))
            {
                continue;
            }

            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            if (row && Definitions.TabularRows.IsRequestField(property))
            {
                required.Add(name);
            }

            var schema = Schema(property.PropertyType, answer);
            if (schema is OpenApiSchema own)
            {
                Describe(property, own);
            }

            if (ApplyRules(property, schema))
            {
                required.Add(name);
            }

            properties[name] = schema;
        }

        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = properties,
            AdditionalPropertiesAllowed = false,
            Required = answer ? [.. properties.Keys] : required.Count > 0 ? required : null,
        };
    }

    private static void Describe(PropertyInfo property, OpenApiSchema schema)
    {
        if (property.GetCustomAttribute<JsonConverterAttribute>() is not null)
        {
            // The field's own converter decides what text it takes (a timestamp without the
            // offset RFC 3339's date-time requires): its description says so, not a format.
            schema.Format = null;
        }

        if (property.GetCustomAttribute<System.ComponentModel.DescriptionAttribute>() is { } description)
        {
            schema.Description = description.Description;
        }
    }

    /// <summary>The property's ranges and lengths on its schema; true when it is required.</summary>
    private static bool ApplyRules(PropertyInfo property, IOpenApiSchema schema)
    {
        var required = false;
        foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>(inherit: true))
        {
            switch (attribute)
            {
                case RequiredAttribute:
                    required = true;
                    break;
                case RangeAttribute range when schema is OpenApiSchema number:
                    number.Minimum = Number(range.Minimum);
                    number.Maximum = Number(range.Maximum);
                    break;
                case StringLengthAttribute length when schema is OpenApiSchema text:
                    text.MaxLength = length.MaximumLength;
                    text.MinLength = length.MinimumLength;
                    break;
            }
        }

        return required;
    }

    private IOpenApiSchema Schema(Type type, bool answer)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string))
        {
            return new OpenApiSchema { Type = JsonSchemaType.String };
        }

        if (underlying == typeof(DateTimeOffset) || underlying == typeof(DateTime))
        {
            return new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" };
        }

        if (underlying == typeof(bool))
        {
            return new OpenApiSchema { Type = JsonSchemaType.Boolean };
        }

        if (underlying == typeof(int) || underlying == typeof(long) || underlying == typeof(short))
        {
            return new OpenApiSchema { Type = JsonSchemaType.Integer, Format = underlying == typeof(long) ? "int64" : "int32" };
        }

        if (underlying == typeof(double) || underlying == typeof(float) || underlying == typeof(decimal))
        {
            return new OpenApiSchema { Type = JsonSchemaType.Number, Format = underlying == typeof(float) ? "float" : "double" };
        }

        if (typeof(IEnumerable).IsAssignableFrom(underlying))
        {
            var item = underlying.IsArray ? underlying.GetElementType()! : underlying.GetGenericArguments().Single();
            return new OpenApiSchema { Type = JsonSchemaType.Array, Items = Schema(item, answer) };
        }

        return Register(underlying, underlying.Name, answer);
    }

    private static OpenApiSchema ProblemSchema(bool validation)
    {
        var properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
        };
        if (validation)
        {
            properties["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Messages by JSON path of the field (e.g. temperatureC, [3].weather).",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            };
        }

        return new OpenApiSchema { Type = JsonSchemaType.Object, Description = "RFC 9457 problem details.", Properties = properties };
    }

    private static string Number(object bound) => Convert.ToDouble(bound, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);
}
