using Microsoft.AspNetCore.Http.Features;
using SlaFunctions.Core.Api;

namespace SlaFunctions.SelfHost.Http;

/// <summary>Reads a request body as UTF-8 text under <see cref="RequestBodyRules"/> (the Function App reads by the same rules).</summary>
public static class RequestBody
{
    public static async Task<(string? Body, ApiResponse? Refusal)> ReadAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (RequestBodyRules.Refuse(request.ContentType, request.ContentLength) is { } refusal)
        {
            return (null, refusal);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = SlaApi.MaxBodyBytes;
        }

        using var buffer = new MemoryStream();
        try
        {
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problem.TooLarge(SlaApi.MaxBodyBytes));
        }

        return RequestBodyRules.Decode(buffer.GetBuffer(), (int)Math.Min(buffer.Length, int.MaxValue));
    }
}
