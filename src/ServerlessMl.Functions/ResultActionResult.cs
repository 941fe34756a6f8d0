using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ServerlessMl.Functions;

/// <summary>
/// Lets a function return the minimal-API <see cref="IResult"/> that the shared handlers in
/// ServerlessMl.Core produce: the Functions ASP.NET Core integration executes IActionResult.
/// </summary>
public sealed class ResultActionResult(IResult result) : IActionResult
{
    public IResult Result { get; } = result;

    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Result.ExecuteAsync(context.HttpContext);
    }
}

public static class ResultActionResultExtensions
{
    public static async Task<IActionResult> AsActionResult(this Task<IResult> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new ResultActionResult(await result);
    }
}
