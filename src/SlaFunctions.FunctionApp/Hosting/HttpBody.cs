using Microsoft.AspNetCore.Http;
using SlaFunctions.Core.Api;

namespace SlaFunctions.FunctionApp.Hosting;

/// <summary>Reads a request body under <see cref="RequestBodyRules"/>, never past the limit.</summary>
public static class HttpBody
{
    public static async Task<(string? Body, ApiResponse? Refusal)> ReadAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (RequestBodyRules.Refuse(request.ContentType, request.ContentLength) is { } refusal)
        {
            return (null, refusal);
        }

        var buffer = new byte[SlaApi.MaxBodyBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), request.HttpContext.RequestAborted)) > 0)
        {
            length += read;
        }

        return RequestBodyRules.Decode(buffer, length);
    }
}
