using System.Collections.Immutable;
using System.Text.Json;
using SlaFunctions.Core.Diagnostics;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;
using SlaFunctions.Core.Workflow;

namespace SlaFunctions.Core.Ingestion;

/// <summary>
/// The ingestion of one domain event, the same on both backends (docs/events.md): the inbox first (a used id
/// answers duplicate, or is dead-lettered when its content differs), then the route; a start starts the SLA and
/// subscribes it to its keys, a ticket event goes to the backend's <see cref="IEventDelivery"/>; what cannot be
/// used is dead-lettered; the id is marked used unless the event is parked (the parking holds it).
/// A redelivery after a crash is harmless: every command carries the event id, which the SLA applies once.
/// </summary>
public sealed class EventIngestion(
    EventRouter router,
    IEventInbox inbox,
    IDeadLetters deadLetters,
    IEventDelivery delivery,
    ISlaService slas,
    IBatchIngestion? batch = null
) : IEventIngestion
{
    /// <summary>A batch: the backend's <see cref="IBatchIngestion"/>, or one event after the other.</summary>
    public Task<ImmutableArray<IngestResult>> IngestBatchAsync(
        IReadOnlyList<EventEnvelope> envelopes,
        CancellationToken cancellationToken = default
    ) =>
        batch is null
            ? OneByOneAsync(envelopes, cancellationToken)
            : batch.IngestBatchAsync(envelopes, cancellationToken);

    public async Task<IngestResult> IngestAsync(
        EventEnvelope envelope,
        string? transportKey = null,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(envelope);
        using var trace = SlaTelemetry.Traces.StartActivity("sla.events.ingest");
        trace?.SetTag("sla.event.type", envelope.EventType);
        if (await inbox.LookUpAsync(envelope, cancellationToken) is (true, var retry))
        {
            return retry
                ? EventIdReuse.Duplicate
                : await DeadLetterAsync(envelope, EventIdReuse.Rejection(envelope), cancellationToken);
        }

        var result = router.Route(envelope, transportKey) switch
        {
            RejectedEvent rejected => await DeadLetterAsync(envelope, rejected.Rejection, cancellationToken),
            IgnoredEvent ignored => new IngestResult(IngestStatus.Ignored, ignored.Reason),
            StartSla start => await StartAsync(envelope, start, cancellationToken),
            ApplyEvent apply => await DeliverAsync(envelope, apply, cancellationToken),
            var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
        };
        if (result.UsesEventId && result.Status != IngestStatus.Parked)
        {
            await inbox.MarkProcessedAsync(envelope, cancellationToken);
        }

        return result;
    }

    public Task DeadLetterAsync(DeadLetterRequest letter, CancellationToken cancellationToken = default) =>
        deadLetters.RecordAsync(letter, cancellationToken);

    public Task SubscribeAsync(
        TicketKey ticket,
        IEnumerable<string> correlationKeys,
        CancellationToken cancellationToken = default
    ) => delivery.SubscribeAsync(ticket, correlationKeys, cancellationToken);

    public Task<ImmutableArray<DeadLetter>> ListDeadLettersAsync(
        string tenantId,
        long? after,
        int limit,
        CancellationToken cancellationToken = default
    ) => deadLetters.ListAsync(tenantId, after, limit, cancellationToken);

    /// <summary>What <see cref="IEventDelivery"/> reported, as the event's result; dead-letters a refusal.</summary>
    public static async Task<IngestResult> ResultAsync(
        Delivery delivered,
        EventEnvelope envelope,
        ApplyEvent apply,
        IDeadLetters deadLetters,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(delivered);
        ArgumentNullException.ThrowIfNull(apply);
        return delivered.Status switch
        {
            DeliveryStatus.Applied => new IngestResult(IngestStatus.Applied) { Tickets = delivered.Tickets },
            DeliveryStatus.Duplicate => new IngestResult(
                IngestStatus.Duplicate,
                "the ticket's SLA already has this event"
            )
            {
                Tickets = delivered.Tickets,
            },
            DeliveryStatus.Parked => new IngestResult(
                IngestStatus.Parked,
                $"no SLA has started for correlation key '{apply.CorrelationKey}' yet"
            ),
            DeliveryStatus.ParkedBefore => new IngestResult(
                IngestStatus.Duplicate,
                "an event with this id is already parked"
            ),
            DeliveryStatus.ParkedWithOtherContent => await DeadLetterAsync(
                deadLetters,
                envelope,
                EventIdReuse.Rejection(envelope),
                cancellationToken
            ),
            DeliveryStatus.Accepted => new IngestResult(
                IngestStatus.Accepted,
                $"handed to correlation key '{apply.CorrelationKey}': applied to its tickets, or parked until one starts"
            ),
            DeliveryStatus.Refused => await DeadLetterAsync(
                deadLetters,
                envelope,
                delivered.Refusal!,
                cancellationToken
            ),
            var other => throw new InvalidOperationException($"Unexpected delivery {other}."),
        };
    }

    /// <summary>Files the event as a dead letter with the rejection, and answers so.</summary>
    public static async Task<IngestResult> DeadLetterAsync(
        IDeadLetters deadLetters,
        EventEnvelope envelope,
        Rejection rejection,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(deadLetters);
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(rejection);
        await deadLetters.RecordAsync(
            new DeadLetterRequest(
                envelope.TenantId,
                envelope.EventId,
                rejection.Reason,
                rejection.Description,
                Payload(envelope)
            ),
            cancellationToken
        );
        return IngestResult.DeadLettered(rejection);
    }

    /// <summary>A dead letter's payload: the envelope as the engine reads it.</summary>
    public static string Payload(EventEnvelope envelope) => JsonSerializer.Serialize(envelope, SlaJson.Options);

    private async Task<IngestResult> StartAsync(
        EventEnvelope envelope,
        StartSla start,
        CancellationToken cancellationToken
    )
    {
        try
        {
            var change = await slas.StartAsync(
                start.Ticket,
                start.Request with
                {
                    CorrelationKeys = start.SubscriptionKeys,
                },
                cancellationToken
            );
            await delivery.SubscribeAsync(
                start.Ticket,
                start.SubscriptionKeys.Add(start.Ticket.TicketId),
                cancellationToken
            );
            return Started(start, change);
        }
        catch (InvalidInputException e)
        {
            return await DeadLetterAsync(envelope, Rejection.Refused(e), cancellationToken);
        }
    }

    /// <summary>The result of a start: applied, or a duplicate of the same start.</summary>
    public static IngestResult Started(StartSla start, SlaChange change)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(change);
        return change.Effect == EventEffect.Duplicate
            ? new IngestResult(IngestStatus.Duplicate, change.Reason) { Tickets = [start.Ticket.TicketId] }
            : new IngestResult(IngestStatus.Applied) { Tickets = [start.Ticket.TicketId] };
    }

    private async Task<IngestResult> DeliverAsync(
        EventEnvelope envelope,
        ApplyEvent apply,
        CancellationToken cancellationToken
    ) =>
        await ResultAsync(
            await delivery.DeliverAsync(envelope, apply, cancellationToken),
            envelope,
            apply,
            deadLetters,
            cancellationToken
        );

    private Task<IngestResult> DeadLetterAsync(
        EventEnvelope envelope,
        Rejection rejection,
        CancellationToken cancellationToken
    ) => DeadLetterAsync(deadLetters, envelope, rejection, cancellationToken);

    /// <summary>The batch one event after the other.</summary>
    private async Task<ImmutableArray<IngestResult>> OneByOneAsync(
        IReadOnlyList<EventEnvelope> envelopes,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(envelopes);
        var results = ImmutableArray.CreateBuilder<IngestResult>(envelopes.Count);
        foreach (var envelope in envelopes)
        {
            results.Add(await IngestAsync(envelope, null, cancellationToken));
        }

        return results.MoveToImmutable();
    }
}
