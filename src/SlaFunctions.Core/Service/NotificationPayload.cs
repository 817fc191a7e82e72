using System.Text.Json;

namespace SlaFunctions.Core.Service;

/// <summary>Reads a stored notification payload (SPEC §6 JSON) for the message that carries it.</summary>
public static class NotificationPayload
{
    /// <summary>
    /// The payload's <c>notificationId</c>: the message id a sink sends it under, so that a broker (with duplicate
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
