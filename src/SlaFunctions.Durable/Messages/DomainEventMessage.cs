namespace SlaFunctions.Durable.Messages;

/// <summary>
/// What <see cref="DomainEventProcessor"/> reads of a message of <c>sla-domain-events</c>; the trigger copies it
/// from the broker's received message.
/// </summary>
public sealed record DomainEventMessage(
    string Body,
    string? MessageId,
    string? CorrelationId,
    int DeliveryCount,
    IReadOnlyDictionary<string, object>? ApplicationProperties
);
