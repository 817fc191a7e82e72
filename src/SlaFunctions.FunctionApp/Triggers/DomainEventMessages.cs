using Azure.Messaging.ServiceBus;
using SlaFunctions.Durable.Messages;

namespace SlaFunctions.FunctionApp.Triggers;

/// <summary>The broker's received message as the processor reads it.</summary>
public static class DomainEventMessages
{
    public static DomainEventMessage ToDomainEvent(this ServiceBusReceivedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new(
            message.Body.ToString(),
            message.MessageId,
            message.CorrelationId,
            message.DeliveryCount,
            message.ApplicationProperties
        );
    }
}
