using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using SlaFunctions.Core.Api;

namespace SlaFunctions.FunctionApp.Hosting;

/// <summary>
/// Writes a handler's <see cref="ApiResponse"/> as it is: status, headers, content type, body (as the self-host's
/// ApiResult).
/// </summary>
public sealed class ApiActionResult(ApiResponse response) : IActionResult
{
    public ApiResponse Response { get; } = response;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext.Response;
        http.StatusCode = Response.Status;
        foreach (var (name, value) in Response.Headers)
        {
            http.Headers[name] = value;
        }

        http.ContentType = Response.ContentType;
        await http.WriteAsync(Response.Body, context.HttpContext.RequestAborted);
    }
}
