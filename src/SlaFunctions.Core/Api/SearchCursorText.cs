using System.Text;
using NodaTime;
using NodaTime.Text;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Core.Api;

/// <summary>
/// The opaque <c>cursor</c> of a search page: base64url of the sort, the last item's sort key and its ticket
/// id. Opaque so that callers pass it back as given; checked so that a cursor of another sort is refused.
/// </summary>
internal static class SearchCursorText
{
    private const string Version = "1";

    public static string Format(SearchCursor cursor) =>
        Convert
            .ToBase64String(
                Encoding.UTF8.GetBytes(
                    string.Join(
                        '\n',
                        Version,
                        cursor.Sort.ToString(),
                        cursor.Key is { } key ? InstantPattern.ExtendedIso.Format(key) : string.Empty,
                        cursor.TicketId
                    )
                )
            )
            .TrimEnd('=')
            .Replace('+', '-')
            .Replace('/', '_');

    public static SearchCursor Parse(string text, SlaSort sort)
    {
        string[] parts;
        try
        {
            var base64 = text.Replace('-', '+').Replace('_', '/');
            parts = Encoding
                .UTF8.GetString(
                    Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='))
                )
                .Split('\n');
        }
        catch (FormatException)
        {
            throw Invalid();
        }

        if (
            parts.Length != 4
            || parts[0] != Version
            || !Enum.TryParse<SlaSort>(parts[1], out var cursorSort)
            || parts[3].Length == 0
        )
        {
            throw Invalid();
        }

        if (cursorSort != sort)
        {
            throw new InvalidInputException(
                "cursor",
                "belongs to a search with another sort: pass the same sort as the page it came from"
            );
        }

        Instant? key = null;
        if (parts[2].Length > 0)
        {
            var parsed = InstantPattern.ExtendedIso.Parse(parts[2]);
            key = parsed.Success ? parsed.Value : throw Invalid();
        }

        return new SearchCursor(sort, key, parts[3]);
    }

    private static InvalidInputException Invalid() =>
        new("cursor", "is not a cursor this service gave out (pass the 'next' of a page as it is)");
}
