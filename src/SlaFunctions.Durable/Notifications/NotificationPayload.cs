using System.Text.Json;

namespace SlaFunctions.Durable.Notifications;

/// <summary>Reads a stored notification payload (SPEC §6 JSON) for the message that carries it.</summary>
public static class NotificationPayload
{
    /// <summary>
    /// The payload's <c>notificationId</c>: the Service Bus MessageId, so that the broker (with duplicate
    /// detection) and every consumer recognise a repeat.
    /// </summary>
    public static string MessageId(string payload)
    {
        using var document = JsonDocument.Parse(payload);
        return document.RootElement.TryGetProperty("notificationId", out var id) && id.ValueKind == JsonValueKind.String && id.TryGetGuid(out var guid)
            ? guid.ToString("D")
            : throw new ArgumentException("The payload has no notificationId.", nameof(payload));
    }
}
