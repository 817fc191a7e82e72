using Microsoft.AspNetCore.Http.Features;
using SlaFunctions.Core.Api;

namespace SlaFunctions.SelfHost.Http;

/// <summary>
/// A request body through <see cref="RequestBodyRules"/>, with Kestrel's own limit set to the same size.
/// </summary>
public static class RequestBody
{
    public static async Task<(string? Body, ApiResponse? Refusal)> ReadAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = SlaApi.MaxBodyBytes;
        }

        try
        {
            return await RequestBodyRules.ReadAsync(
                request.ContentType,
                request.ContentLength,
                request.Body,
                request.HttpContext.RequestAborted
            );
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problem.TooLarge(SlaApi.MaxBodyBytes));
        }
    }
}
