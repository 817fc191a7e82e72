using System.Globalization;

namespace SlaFunctions.Core.Api;

/// <summary>Content negotiation on the <c>Accept</c> header (RFC 9110 §12.5.1), as far as the API needs it.</summary>
internal static class AcceptHeader
{
    /// <summary>
    /// True when the header names <paramref name="wanted"/> itself with a quality above zero and at least that of
    /// <paramref name="otherwise"/>; wildcards alone keep the default, <paramref name="otherwise"/>.
    /// </summary>
    public static bool Prefers(string? accept, string wanted, string otherwise)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return false;
        }

        var ranges = accept.Split(',').Select(Parse).Where(r => r.Type.Length > 0).ToList();
        var exact = ranges.Where(r => Is(r.Type, wanted)).Select(r => (double?)r.Quality).Max();
        return exact > 0 && exact >= Quality(ranges, otherwise);
    }

    /// <summary>
    /// The quality of a media type: its most specific matching range's (exact, then type/*, then */*), or 0.
    /// </summary>
    private static double Quality(List<(string Type, double Quality)> ranges, string mediaType)
    {
        var major = mediaType.Split('/')[0] + "/*";
        foreach (var candidate in new[] { mediaType, major, "*/*" })
        {
            if (ranges.Where(r => Is(r.Type, candidate)).Select(r => (double?)r.Quality).Max() is { } quality)
            {
                return quality;
            }
        }

        return 0;
    }

    private static (string Type, double Quality) Parse(string range)
    {
        var parts = range.Split(';');
        var quality = 1.0;
        foreach (var parameter in parts.Skip(1))
        {
            var (name, value) = parameter.Split('=', 2) is [var n, var v]
                ? (n.Trim(), v.Trim())
                : (string.Empty, string.Empty);
            if (name.Equals("q", StringComparison.OrdinalIgnoreCase))
            {
                quality = double.TryParse(
                    value,
                    NumberStyles.AllowDecimalPoint,
                    CultureInfo.InvariantCulture,
                    out var q
                )
                    ? Math.Clamp(q, 0, 1)
                    : 0;
            }
        }

        return (parts[0].Trim(), quality);
    }

    private static bool Is(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
