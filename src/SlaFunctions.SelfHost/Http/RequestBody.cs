using System.Text;
using Microsoft.AspNetCore.Http.Features;
using SlaFunctions.Core.Api;

namespace SlaFunctions.SelfHost.Http;

/// <summary>Reads a request body as UTF-8 text, refusing non-JSON content types and bodies over the limit.</summary>
public static class RequestBody
{
    public static async Task<(string? Body, ApiResponse? Refusal)> ReadAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentType is { Length: > 0 } type && !IsJson(type))
        {
            return (null, Problem.UnsupportedMediaType(type));
        }

        if (request.ContentLength > SlaApi.MaxBodyBytes)
        {
            return (null, Problem.TooLarge(SlaApi.MaxBodyBytes));
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

        if (buffer.Length > SlaApi.MaxBodyBytes)
        {
            return (null, Problem.TooLarge(SlaApi.MaxBodyBytes));
        }

        try
        {
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, Problem.InvalidInput("body", "must be UTF-8 text"));
        }
    }

    private static bool IsJson(string contentType)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }
}
