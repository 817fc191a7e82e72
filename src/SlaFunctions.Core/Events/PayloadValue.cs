using System.Text.Json;
using SlaFunctions.Core.Json;

namespace SlaFunctions.Core.Events;

/// <summary>Identifiers in payloads: ticket systems send ids as strings or as integers; both become text.</summary>
internal static class PayloadValue
{
    /// <summary>The id as text, or null when the value is not an acceptable id.</summary>
    public static string? AsKey(JsonElement value) =>
        value.ValueKind switch
        {
            JsonValueKind.String when IsId(value.GetString()!) => value.GetString(),
            JsonValueKind.Number when IsInteger(value.GetRawText()) => value.GetRawText(),
            _ => null,
        };

    /// <summary>The id as text; anything else is an error naming the path.</summary>
    public static string ReadKey(JsonInput input) =>
        input.Element.ValueKind switch
        {
            JsonValueKind.String => EventEnvelopeJson.ReadId(input),
            JsonValueKind.Number when IsInteger(input.Element.GetRawText()) => input.Element.GetRawText(),
            _ => throw input.Error($"must be a string or an integer (got {Kind(input)})"),
        };

    /// <summary>A string, number or true/false as the text a condition compares.</summary>
    public static string ReadScalar(JsonInput input) =>
        input.Element.ValueKind switch
        {
            JsonValueKind.String => input.Element.GetString()!,
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => input.Element.GetRawText(),
            _ => throw input.Error($"must be a string, a number or true/false (got {Kind(input)})"),
        };

    public static bool IsId(string text) =>
        !string.IsNullOrWhiteSpace(text) && text.Length <= EventEnvelopeJson.MaxIdLength && !text.Any(char.IsControl);

    // JSON numbers never have leading zeros, so the literal digits are the invariant rendering.
    private static bool IsInteger(string raw)
    {
        var digits = raw.StartsWith('-') ? raw[1..] : raw;
        return digits.Length is > 0 and <= 30 && digits.All(char.IsAsciiDigit);
    }

    private static string Kind(JsonInput input) => input.Element.ValueKind.ToString().ToLowerInvariant();
}
