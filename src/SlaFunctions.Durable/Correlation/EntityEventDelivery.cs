using Microsoft.DurableTask.Client;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Service;

namespace SlaFunctions.Durable.Correlation;

/// <summary>
/// <see cref="IEventDelivery"/> of the durable backend: an event is handed to the entity of its correlation key
/// (<see cref="CorrelationEntity"/>), which delivers it to the subscribed tickets or parks it; a start subscribes
/// the ticket to each key's entity, which hands it what was parked there.
/// </summary>
public sealed class EntityEventDelivery(DurableTaskClient client) : IEventDelivery
{
    public async Task<Delivery> DeliverAsync(
        EventEnvelope envelope,
        ApplyEvent apply,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(apply);
        await client.Entities.SignalEntityAsync(
            CorrelationEntity.Id(envelope.TenantId, apply.CorrelationKey),
            nameof(CorrelationEntity.Receive),
            new CorrelatedEvent(apply.CorrelationKey, envelope),
            null,
            cancellationToken
        );
        return Delivery.Accepted;
    }

    public async Task SubscribeAsync(
        TicketKey ticket,
        IEnumerable<string> correlationKeys,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(ticket);
        foreach (var key in correlationKeys.Distinct(StringComparer.Ordinal))
        {
            await client.Entities.SignalEntityAsync(
                CorrelationEntity.Id(ticket.TenantId, key),
                nameof(CorrelationEntity.Subscribe),
                new Subscription(key, ticket),
                null,
                cancellationToken
            );
        }
    }
}
