namespace SlaFunctions.Core.Events;

/// <summary>
/// An event type, or a pattern of event types where <c>*</c> stands for any run of characters
/// (<c>TICKET_*</c>, <c>*</c>). Exact types take precedence over patterns, longer patterns over shorter.
/// </summary>
internal sealed record EventTypePattern
{
    private EventTypePattern(string text) => Text = text;

    public string Text { get; }

    public bool IsExact => !Text.Contains('*', StringComparison.Ordinal);

    /// <summary>Letters A–Z, digits and underscores, starting with a letter, no empty words: TICKET_CREATED.</summary>
    public static bool IsEventType(string text) =>
        text.Length is > 0 and <= EventEnvelopeJson.MaxIdLength
        && char.IsAsciiLetterUpper(text[0])
        && text.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_')
        && !text.EndsWith('_')
        && !text.Contains("__", StringComparison.Ordinal);

    public static bool IsValid(string text) =>
        text.Length is > 0 and <= EventEnvelopeJson.MaxIdLength
        && text.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c is '_' or '*');

    public static EventTypePattern Parse(string text) =>
        IsValid(text)
            ? new EventTypePattern(text)
            : throw new ArgumentException($"'{text}' is not an event type pattern.", nameof(text));

    public bool Matches(string eventType) => Matches(Text, eventType);

    /// <summary>
    /// Orders patterns from the most specific: exact types first, then longer patterns before shorter.
    /// </summary>
    public int Specificity => IsExact ? int.MaxValue : Text.Length;

    public override string ToString() => Text;

    private static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        // Glob matching with backtracking to the last star only: linear in practice, no recursion.
        int p = 0,
            t = 0,
            star = -1,
            resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (p < pattern.Length && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
