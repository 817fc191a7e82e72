namespace SlaFunctions.Core.Validation;

/// <summary>Ids that name stored things (tenants, tickets, calendars, policies): 1-200 visible characters.</summary>
public static class Identifiers
{
    public const int MaxLength = 200;

    public static string Require(string? id, string field) =>
        string.IsNullOrWhiteSpace(id) ? throw new InvalidInputException(field, "is required")
        : id.Length > MaxLength ? throw new InvalidInputException(field, $"must be at most {MaxLength} characters")
        : id.Any(char.IsControl) ? throw new InvalidInputException(field, "must not contain control characters")
        : id;
}
