using System.Collections.Immutable;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Service;

namespace SlaFunctions.Core.Ingestion;

/// <summary>
/// A backend's half of the ingestion: gets an event to the tickets of its correlation key, or parks it.
/// </summary>
public interface IEventDelivery
{
    /// <summary>Applies the event to the tickets subscribed to its key, or parks it there until one starts.</summary>
    Task<Delivery> DeliverAsync(
        EventEnvelope envelope,
        ApplyEvent apply,
        CancellationToken cancellationToken = default
    );

    /// <summary>Subscribes a started ticket to its keys and applies to it what is parked there, in order.</summary>
    Task SubscribeAsync(
        TicketKey ticket,
        IEnumerable<string> correlationKeys,
        CancellationToken cancellationToken = default
    );
}

public enum DeliveryStatus
{
    /// <summary>At least one subscribed ticket took it.</summary>
    Applied,

    /// <summary>Every subscribed ticket had it already.</summary>
    Duplicate,

    Parked,

    /// <summary>An event with its id is parked already, with the same content.</summary>
    ParkedBefore,

    /// <summary>An event with its id is parked already, with other content.</summary>
    ParkedWithOtherContent,

    /// <summary>Handed on durably; applied or parked later, by the key's owner.</summary>
    Accepted,

    /// <summary>A subscribed ticket's SLA refused it (<see cref="Delivery.Refusal"/>).</summary>
    Refused,
}

/// <summary>What <see cref="IEventDelivery.DeliverAsync"/> did with an event.</summary>
public sealed record Delivery(DeliveryStatus Status, ImmutableArray<string> Tickets, Rejection? Refusal = null)
{
    public static Delivery Parked { get; } = new(DeliveryStatus.Parked, []);

    public static Delivery Accepted { get; } = new(DeliveryStatus.Accepted, []);
}
