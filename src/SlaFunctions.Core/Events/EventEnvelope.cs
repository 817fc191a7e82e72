using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using SlaFunctions.Core.Json;

namespace SlaFunctions.Core.Events;

/// <summary>
/// A domain event from the ticket system (SPEC §5), whether it came as a plain envelope or as a CloudEvent.
/// It serializes to the plain envelope whatever the serializer options, so parked events and dead-letters
/// keep the original shape.
/// </summary>
/// <remarks>
/// The payload is a detached <see cref="JsonElement"/> (a clone that owns its memory): read-only, safe to
/// share between threads, read with the same <c>JsonInput</c> that names paths in errors, and written back
/// verbatim. A <c>JsonNode</c> would be mutable and would need copying to stay a value.
/// </remarks>
public sealed record EventEnvelope
{
    [JsonConstructor]
    public EventEnvelope(
        string eventId,
        string eventType,
        string tenantId,
        Instant occurredAt,
        JsonElement payload,
        string? correlationKey = null
    )
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("The payload must be a JSON object.", nameof(payload));
        }

        EventId = eventId;
        EventType = eventType;
        TenantId = tenantId;
        OccurredAt = occurredAt;
        Payload = payload.Clone();
        CorrelationKey = correlationKey;
    }

    [JsonPropertyName("eventId")]
    public string EventId { get; }

    [JsonPropertyName("eventType")]
    public string EventType { get; }

    [JsonPropertyName("tenantId")]
    public string TenantId { get; }

    [JsonPropertyName("occurredAt")]
    [JsonConverter(typeof(IsoInstantConverter))]
    public Instant OccurredAt { get; }

    [JsonPropertyName("payload")]
    public JsonElement Payload { get; }

    /// <summary>The sender's explicit correlation key; it wins over keys derived from the payload.</summary>
    [JsonPropertyName("correlationKey")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CorrelationKey { get; }

    /// <summary>
    /// The digest of the event's content (<see cref="JsonDigest"/>) without its id, the same for its plain and
    /// CloudEvents forms: a resend with the same id and digest is a retry, with another digest a reuse of the id.
    /// </summary>
    public string ContentDigest() =>
        JsonDigest.Of(json =>
        {
            json.WriteStartObject();
            json.WriteString("eventType", EventType);
            json.WriteString("tenantId", TenantId);
            json.WriteString("occurredAt", IsoText.Format(OccurredAt));
            json.WriteString("correlationKey", CorrelationKey);
            json.WritePropertyName("payload");
            json.WriteCanonical(Payload);
            json.WriteEndObject();
        });

    /// <summary>Payloads are compared by content, not by the document that holds them.</summary>
    public bool Equals(EventEnvelope? other) =>
        other is not null
        && EventId == other.EventId
        && EventType == other.EventType
        && TenantId == other.TenantId
        && OccurredAt == other.OccurredAt
        && CorrelationKey == other.CorrelationKey
        && JsonElement.DeepEquals(Payload, other.Payload);

    public override int GetHashCode() => HashCode.Combine(EventId, EventType, TenantId, OccurredAt, CorrelationKey);
}
