using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using SlaFunctions.Core.Events;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Testing.Events;

/// <summary>Envelopes as ticket systems send them, and a way to break them one field at a time.</summary>
public static class Samples
{
    public const string Plain = """
        {
          "eventId": "evt-1001",
          "eventType": "TICKET_STATUS_CHANGED",
          "tenantId": "acme",
          "occurredAt": "2026-03-09T14:00:00Z",
          "payload": { "ticketId": "T-42", "previousStatus": "open", "newStatus": "awaiting_client" },
          "correlationKey": "crm-7"
        }
        """;

    public const string CloudEvent = """
        {
          "specversion": "1.0",
          "id": "evt-2002",
          "source": "/helpdesk/acme",
          "type": "TICKET_PRIORITY_CHANGED",
          "subject": "tickets/T-42",
          "time": "2026-03-09T10:00:00-04:00",
          "datacontenttype": "application/json",
          "tenantid": "acme",
          "correlationkey": "crm-7",
          "data": { "ticketId": "T-42", "priority": "P2" }
        }
        """;

    public static Instant At(string text) => Testing.Samples.At.Utc(text);

    public static EventEnvelope Envelope(
        string eventType,
        string payload,
        string? correlationKey = null,
        string eventId = "evt-1",
        string tenantId = "acme",
        string at = "2026-03-09T14:00:00Z"
    ) => new(eventId, eventType, tenantId, At(at), Payload(payload), correlationKey);

    public static JsonElement Payload(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>Applies "a.b.c=JSON" (or "=-" to remove) to the document.</summary>
    public static string Edit(string json, string edit)
    {
        var root = JsonNode.Parse(json)!;
        var split = edit.IndexOf('=', StringComparison.Ordinal);
        var (path, value) = (edit[..split], edit[(split + 1)..]);
        var steps = path.Split('.');
        var parent = root;
        foreach (var step in steps[..^1])
        {
            parent = parent[step]!;
        }

        if (value == "-")
        {
            parent.AsObject().Remove(steps[^1]);
        }
        else
        {
            parent[steps[^1]] = JsonNode.Parse(value);
        }

        return root.ToJsonString();
    }

    public static string Quoted(string text) => JsonSerializer.Serialize(text);

    public static string Repeat(char c, int count) => new(c, count);

    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
