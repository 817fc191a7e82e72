namespace SlaFunctions.Core.Validation;

/// <summary>
/// Ids that name stored things (tenants, tickets, calendars, policies): 1-200 visible characters. A ticket id
/// is also a segment of the ticket's routes, so it is held to <see cref="TicketIdAlphabet"/>, characters that
/// never need escaping in a URL path.
/// </summary>
public static class Identifiers
{
    public const int MaxLength = 200;

    /// <summary>The characters of a ticket id besides ASCII letters and digits.</summary>
    internal const string TicketIdPunctuation = "-_.~:@+";

    internal const string TicketIdAlphabet = "ASCII letters and digits and - _ . ~ : @ +";

    public static string Require(string? id, string field) =>
        string.IsNullOrWhiteSpace(id) ? throw new InvalidInputException(field, "is required")
        : id.Length > MaxLength ? throw new InvalidInputException(field, $"must be at most {MaxLength} characters")
        : id.Any(char.IsControl) ? throw new InvalidInputException(field, "must not contain control characters")
        : id;

    /// <summary>
    /// A ticket id: 1-200 characters of <see cref="TicketIdAlphabet"/>, and not <c>.</c> or <c>..</c> (which a URL
    /// path would resolve away), so that every ticket can be served at <c>…/tickets/{ticket}/sla</c> as it is.
    /// </summary>
    public static string RequireTicketId(string? id, string field)
    {
        var ticket = Require(id, field);
        var wrong = ticket.FirstOrDefault(c =>
            !char.IsAsciiLetterOrDigit(c) && !TicketIdPunctuation.Contains(c, StringComparison.Ordinal)
        );
        return wrong != default
                ? throw new InvalidInputException(
                    field,
                    $"must hold only {TicketIdAlphabet} (got '{Json.JsonInput.Truncate(wrong.ToString())}')"
                )
            : ticket is "." or ".." ? throw new InvalidInputException(field, "must not be '.' or '..'")
            : ticket;
    }
}
