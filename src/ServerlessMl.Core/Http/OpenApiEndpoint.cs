using Microsoft.AspNetCore.Http;
using ServerlessMl.Definitions;

namespace ServerlessMl.Http;

/// <summary>GET /api/openapi.json (anonymous): the API described in OpenAPI 3.0, written once per host.</summary>
public sealed class OpenApiEndpoint
{
    internal OpenApiEndpoint(ModelCatalog catalog)
    {
        _document = new(() => OpenApiDocumentWriter.Write(
            catalog,
            "ServerlessMl",
            typeof(OpenApiEndpoint).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"));
    }

    private readonly Lazy<string> _document;

    public IResult Handle() => Results.Text(_document.Value, "application/json");
}
