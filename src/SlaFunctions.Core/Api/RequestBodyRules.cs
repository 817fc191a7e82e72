using System.Buffers;
using System.Text;

namespace SlaFunctions.Core.Api;

/// <summary>
/// What both hosts accept as a request body: JSON (or no content type), at most <see cref="SlaApi.MaxBodyBytes"/>
/// bytes, UTF-8. The hosts hand over the headers and the body stream; these rules read and decide.
/// </summary>
public static class RequestBodyRules
{
    /// <summary>The refusal for a request's headers, or null when its body may be read.</summary>
    public static ApiResponse? Refuse(string? contentType, long? contentLength) =>
        contentType is { Length: > 0 } type && !IsJson(type) ? Problem.UnsupportedMediaType(type)
        : contentLength > SlaApi.MaxBodyBytes ? Problem.TooLarge(SlaApi.MaxBodyBytes)
        : null;

    /// <summary>
    /// The body as text, or the refusal of its headers, its size or its encoding. Reads no further than one
    /// chunk past the limit, whatever the Content-Length claimed.
    /// </summary>
    public static async Task<(string? Body, ApiResponse? Refusal)> ReadAsync(
        string? contentType,
        long? contentLength,
        Stream body,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(body);
        if (Refuse(contentType, contentLength) is { } refusal)
        {
            return (null, refusal);
        }

        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while (buffer.Length <= SlaApi.MaxBodyBytes && (read = await body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return Decode(buffer.GetBuffer(), (int)buffer.Length);
    }

    /// <summary>The body as text, or the refusal when it is over the limit or not UTF-8.</summary>
    public static (string? Body, ApiResponse? Refusal) Decode(byte[] buffer, int length)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (length > SlaApi.MaxBodyBytes)
        {
            return (null, Problem.TooLarge(SlaApi.MaxBodyBytes));
        }

        try
        {
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, length), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, Problem.InvalidInput("body", "must be UTF-8 text"));
        }
    }

    internal static bool IsJson(string contentType)
    {
        ArgumentNullException.ThrowIfNull(contentType);
        var mediaType = contentType.Split(';')[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }
}
