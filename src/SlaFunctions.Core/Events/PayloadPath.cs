using System.Text.Json;
using SlaFunctions.Core.Json;

namespace SlaFunctions.Core.Events;

/// <summary>
/// A field of an event's payload written as a dotted path, such as <c>payload.ticketId</c> or
/// <c>payload.ticket.id</c>. Paths never reach outside the payload, so never the event id.
/// </summary>
public sealed record PayloadPath
{
    private const string Root = "payload";

    private PayloadPath(string text) => Text = text;

    public string Text { get; }

    /// <summary>Why the text is not a payload path, or null when it is one.</summary>
    public static string? Problem(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var segments = text.Split('.');
        if (segments[^1].Equals("eventId", StringComparison.OrdinalIgnoreCase) && segments.Length <= 2)
        {
            return "must not point at the event id: a correlation key or field is never taken from the event id";
        }

        return segments.Length < 2 || segments[0] != Root || !segments.Skip(1).All(IsName)
            ? $"must be a path into the payload such as payload.ticketId (got '{JsonInput.Truncate(text)}')"
            : null;
    }

    public static PayloadPath Parse(string text) =>
        Problem(text) is { } problem
            ? throw new ArgumentException($"'{text}' {problem}.", nameof(text))
            : new PayloadPath(text);

    /// <summary>The value at this path, or null when a step is missing, null or not an object.</summary>
    public JsonElement? Find(EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var current = envelope.Payload;
        foreach (var name in Names)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }

        return current.ValueKind == JsonValueKind.Null ? null : current;
    }

    /// <summary>The value at this path with its JSON path for errors, or null when it is absent (or null).</summary>
    public JsonInput? Optional(EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        JsonInput? current = new JsonInput(envelope.Payload, "$." + Root);
        foreach (var name in Names)
        {
            current = current?.Optional(name);
        }

        return current;
    }

    /// <summary>
    /// The value at this path; a missing step is an error naming its JSON path (<c>$.payload.ticketId: is
    /// required</c>).
    /// </summary>
    public JsonInput Required(EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var current = new JsonInput(envelope.Payload, "$." + Root);
        foreach (var name in Names)
        {
            current = current.Required(name);
        }

        return current;
    }

    public override string ToString() => Text;

    private IEnumerable<string> Names => Text.Split('.').Skip(1);

    private static bool IsName(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
