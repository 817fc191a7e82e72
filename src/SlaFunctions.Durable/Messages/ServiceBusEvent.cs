using System.Text.Json;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Durable.Messages;

/// <summary>
/// A message of the queue <c>sla-domain-events</c> as read by the trigger: its envelope (plain or CloudEvents)
/// and its explicit correlation key, or why it cannot be used, with the tenant and event id it seems to carry
/// so that the dead-letter row is filed under them.
/// </summary>
public sealed record ServiceBusEvent(
    EventEnvelope? Envelope,
    string? TransportKey,
    Rejection? Rejection,
    string TenantId,
    string? EventId
)
{
    /// <summary>The tenant a dead-letter row is filed under when the body names none.</summary>
    public const string UnknownTenant = "(unknown)";

    public static ServiceBusEvent Read(
        string body,
        string? correlationId,
        IReadOnlyDictionary<string, object>? applicationProperties
    )
    {
        ArgumentNullException.ThrowIfNull(body);
        var key = CorrelationRules.TransportKey(correlationId, applicationProperties);
        try
        {
            var envelope = EventEnvelopeJson.Read(body);
            return new ServiceBusEvent(envelope, key, null, envelope.TenantId, envelope.EventId);
        }
        catch (InvalidInputException e)
        {
            var (tenant, eventId) = Guess(body);
            return new ServiceBusEvent(
                null,
                key,
                Rejection.From(DeadLetterReason.InvalidEnvelope, e),
                tenant ?? UnknownTenant,
                eventId
            );
        }
    }

    private static (string? Tenant, string? EventId) Guess(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                ? (Text(root, "tenantId") ?? Text(root, "tenantid"), Text(root, "eventId") ?? Text(root, "id"))
                : (null, null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string? Text(JsonElement root, string name)
    {
        try
        {
            return root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? EventEnvelopeJson.ReadId(new JsonInput(value, "$"))
                : null;
        }
        catch (Exception e) when (e is InvalidInputException or InvalidOperationException)
        {
            return null;
        }
    }
}
