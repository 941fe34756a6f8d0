using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ServerlessMl.Functions.Tests.Triggers;

/// <summary>
/// Runs an HTTP function class as the worker does: a request in, its <see cref="IResult"/>
/// executed into a response (FunctionsHttpProxyingMiddleware calls <see cref="IResult.ExecuteAsync"/>
/// with the request's context), the status and JSON body read back.
/// </summary>
internal static class FunctionInvoker
{
    public static async Task<FunctionResponse> InvokeAsync(
        IServiceProvider services, Func<HttpRequest, Task<IResult>> function, string? json, string contentType = "application/json", string method = "POST")
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = method;
        if (json is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentLength = bytes.Length;
            context.Request.ContentType = contentType;
        }

        using var responseBody = new MemoryStream();
        context.Response.Body = responseBody;
        var result = await function(context.Request);
        await result.ExecuteAsync(context);
        // As the server does when the function returns: whatever the result wrote is sent.
        await context.Response.CompleteAsync();
        responseBody.Position = 0;
        return new FunctionResponse(context.Response.StatusCode, JsonDocument.Parse(responseBody).RootElement.Clone(), context.Response.Headers);
    }
}

internal sealed record FunctionResponse(int Status, JsonElement Body, IHeaderDictionary Headers)
{
    public void Deconstruct(out int status, out JsonElement body)
    {
        status = Status;
        body = Body;
    }
}
