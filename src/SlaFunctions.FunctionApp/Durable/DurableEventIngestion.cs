using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using SlaFunctions.Durable.Correlation;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;
using SlaFunctions.Postgres.Durable;
using SlaFunctions.Postgres.Events;

namespace SlaFunctions.FunctionApp.Durable;

/// <summary>
/// <see cref="IEventIngestion"/> of the durable backend, for the Service Bus trigger and <c>POST …/events</c>:
/// the inbox and dead letters are PostgreSQL's, as on the self-host; starts go to the durable
/// <see cref="ISlaService"/>; ticket events go to the entity of their correlation key, which delivers them to
/// the subscribed tickets or parks them. A start subscribes the ticket to its keys.
/// </summary>
public sealed class DurableEventIngestion(
    EventRouter router, EventInbox inbox, PostgresEventIngestion records, ISlaService slas, DurableTaskClient client) : IEventIngestion
{
    public async Task<IngestResult> IngestAsync(EventEnvelope envelope, string? transportKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (await inbox.LookUpAsync(envelope, cancellationToken) is (true, var retry))
        {
            return retry ? EventIdReuse.Duplicate : await DeadLetterAsync(envelope, EventIdReuse.Rejection(envelope), cancellationToken);
        }

        var result = router.Route(envelope, transportKey) switch
        {
            RejectedEvent rejected => await DeadLetterAsync(envelope, rejected.Rejection, cancellationToken),
            IgnoredEvent ignored => new IngestResult(IngestStatus.Ignored, ignored.Reason),
            StartSla start => await StartAsync(envelope, start, cancellationToken),
            ApplyEvent apply => await ReceiveAsync(envelope, apply, cancellationToken),
            var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
        };
        if (result.UsesEventId)
        {
            await inbox.MarkProcessedAsync(envelope, cancellationToken);
        }

        return result;
    }

    public Task DeadLetterAsync(string tenantId, string? eventId, string reason, string description, string? payload, CancellationToken cancellationToken = default) =>
        records.DeadLetterAsync(tenantId, eventId, reason, description, payload, cancellationToken);

    /// <summary>Subscribes the ticket to each key's entity, which hands it what was parked there.</summary>
    public async Task DrainParkedAsync(TicketKey ticket, IEnumerable<string> correlationKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        foreach (var key in correlationKeys.Distinct(StringComparer.Ordinal))
        {
            await client.Entities.SignalEntityAsync(
                CorrelationEntity.Id(ticket.TenantId, key), nameof(CorrelationEntity.Subscribe), new Subscription(key, ticket), null, cancellationToken);
        }
    }

    public Task<ImmutableArray<DeadLetter>> ListDeadLettersAsync(string tenantId, long? after, int limit, CancellationToken cancellationToken = default) =>
        records.ListDeadLettersAsync(tenantId, after, limit, cancellationToken);

    private async Task<IngestResult> StartAsync(EventEnvelope envelope, StartSla start, CancellationToken cancellationToken)
    {
        try
        {
            var change = await slas.StartAsync(start.Ticket, start.Request with { CorrelationKeys = start.SubscriptionKeys }, cancellationToken);
            await DrainParkedAsync(start.Ticket, start.SubscriptionKeys.Add(start.Ticket.TicketId), cancellationToken);
            return change.Effect == EventEffect.Duplicate
                ? new IngestResult(IngestStatus.Duplicate, change.Reason) { Tickets = [start.Ticket.TicketId] }
                : new IngestResult(IngestStatus.Applied) { Tickets = [start.Ticket.TicketId] };
        }
        catch (InvalidInputException e)
        {
            return await DeadLetterAsync(envelope, Rejection.From(DeadLetterReason.InvalidEvent, e), cancellationToken);
        }
    }

    /// <summary>
    /// Handed to the key's entity, durably, once the signal is accepted: it reaches the subscribed tickets, or
    /// waits parked for the first one. Which of the two happens is the entity's to know.
    /// </summary>
    private async Task<IngestResult> ReceiveAsync(EventEnvelope envelope, ApplyEvent apply, CancellationToken cancellationToken)
    {
        await client.Entities.SignalEntityAsync(
            CorrelationEntity.Id(envelope.TenantId, apply.CorrelationKey), nameof(CorrelationEntity.Receive), new CorrelatedEvent(apply.CorrelationKey, envelope), null, cancellationToken);
        return new IngestResult(IngestStatus.Applied, $"handed to correlation key '{apply.CorrelationKey}': delivered to its tickets, or parked until one starts");
    }

    private async Task<IngestResult> DeadLetterAsync(EventEnvelope envelope, Rejection rejection, CancellationToken cancellationToken)
    {
        await records.DeadLetterAsync(envelope.TenantId, envelope.EventId, rejection.Reason, rejection.Description, JsonSerializer.Serialize(envelope, SlaJson.Options), cancellationToken);
        return IngestResult.DeadLettered(rejection);
    }
}
