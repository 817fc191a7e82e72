using SlaFunctions.Core.Api;

namespace SlaFunctions.SelfHost.Http;

/// <summary>Writes a handler's <see cref="ApiResponse"/> as it is: status, headers, content type, body.</summary>
public sealed class ApiResult(ApiResponse response) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            httpContext.Response.Headers[name] = value;
        }

        httpContext.Response.ContentType = response.ContentType;
        var body = System.Text.Encoding.UTF8.GetBytes(response.Body);
        httpContext.Response.ContentLength = body.Length;
        await httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted);
    }
}
