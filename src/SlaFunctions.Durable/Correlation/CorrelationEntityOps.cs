using System.Collections.Immutable;
using System.Text.Json;
using NodaTime;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Workflow;

namespace SlaFunctions.Durable.Correlation;

/// <summary>The input of the entity operation <c>Receive</c>: an event for the key the entity holds.</summary>
public sealed record CorrelatedEvent(string CorrelationKey, EventEnvelope Envelope);

/// <summary>The input of the entity operation <c>Subscribe</c>: a ticket whose SLA started with this key.</summary>
public sealed record Subscription(string CorrelationKey, TicketKey Ticket);

/// <summary>
/// The entity's state after an operation, the work to hand to <see cref="EventDeliveryWorkflow"/> (if any), and
/// when to signal itself <c>Expire</c> (if a new expiry chain is needed).
/// </summary>
public sealed record EntityStep(CorrelationIndex Index, EventDeliveryInput? Work, Instant? ExpireAt);

/// <summary>
/// The operations of the durable entity of one correlation key, as pure functions of its
/// <see cref="CorrelationIndex"/>. The entity runs its operations one at a time, so an event is either parked
/// before a subscription (and handed over by it) or arrives after it (and is delivered): none falls between.
/// Parked events are routed again with the key they were parked under, like the self-host does.
/// </summary>
public static class CorrelationEntityOps
{
    public static EntityStep Receive(CorrelationIndex index, CorrelatedEvent input, Instant now, EventRouter router)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(router);
        var (next, deliverTo) = index.Receive(input.Envelope, now, router.Settings.ParkingWindow);
        if (deliverTo.IsEmpty)
        {
            // Expiries only grow with a fixed window; a shorter window starts a second, earlier chain.
            var expireAt =
                next.NextExpiry is { } expiry && (index.NextExpiry is not { } current || expiry < current)
                    ? expiry
                    : (Instant?)null;
            return new EntityStep(next, null, expireAt);
        }

        return new EntityStep(
            next,
            Work(input.CorrelationKey, [input.Envelope], deliverTo, router, parked: false),
            null
        );
    }

    public static EntityStep Subscribe(CorrelationIndex index, Subscription input, EventRouter router)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(router);
        var (next, parked) = index.Subscribe(input.Ticket);
        return new EntityStep(
            next,
            parked.IsEmpty ? null : Work(input.CorrelationKey, parked, [input.Ticket], router, parked: true),
            null
        );
    }

    /// <summary>
    /// Dead-letters what reached its expiry. Only a run that expired something continues the chain, so a stray
    /// or early signal ends quietly instead of multiplying.
    /// </summary>
    public static EntityStep Expire(CorrelationIndex index, string entityKey, Instant now)
    {
        ArgumentNullException.ThrowIfNull(index);
        var (next, expired) = index.Expire(now);
        if (expired.IsEmpty)
        {
            return new EntityStep(next, null, null);
        }

        var letters = expired.Select(e => new DeadLetterRequest(
            e.TenantId,
            e.EventId,
            DeadLetterReason.ParkingExpired,
            $"no SLA started for correlation entity '{entityKey}' within the parking window",
            Payload(e)
        ));
        return new EntityStep(next, new EventDeliveryInput([.. letters], []), next.NextExpiry);
    }

    private static EventDeliveryInput? Work(
        string key,
        ImmutableArray<EventEnvelope> envelopes,
        ImmutableArray<TicketKey> tickets,
        EventRouter router,
        bool parked
    )
    {
        var letters = ImmutableArray.CreateBuilder<DeadLetterRequest>();
        var signals = ImmutableArray.CreateBuilder<DeliverSignalRequest>();
        foreach (var envelope in envelopes)
        {
            switch (router.Route(envelope, key))
            {
                case ApplyEvent apply:
                    signals.AddRange(
                        tickets.Select(t => new DeliverSignalRequest(t, new SlaSignal(apply.Event))
                        {
                            FromParking = parked,
                        })
                    );
                    break;
                case RejectedEvent rejected:
                    letters.Add(
                        new DeadLetterRequest(
                            envelope.TenantId,
                            envelope.EventId,
                            rejected.Rejection.Reason,
                            rejected.Rejection.Description,
                            Payload(envelope)
                        )
                    );
                    break;
                default:
                    break; // ignored, or a start: nothing for a ticket to apply
            }
        }

        var work = new EventDeliveryInput(letters.ToImmutable(), signals.ToImmutable());
        return work.IsEmpty ? null : work;
    }

    private static string Payload(EventEnvelope envelope) => JsonSerializer.Serialize(envelope, SlaJson.Options);
}
