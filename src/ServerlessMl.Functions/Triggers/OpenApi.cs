using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ServerlessMl.Http;

namespace ServerlessMl.Functions.Triggers;

/// <summary>GET /api/openapi.json (anonymous): the API's OpenAPI document.</summary>
public sealed class OpenApi(OpenApiEndpoint endpoint)
{
    [Function(nameof(OpenApi))]
    public IResult Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.OpenApi)] HttpRequest request) =>
        endpoint.Handle();
}
