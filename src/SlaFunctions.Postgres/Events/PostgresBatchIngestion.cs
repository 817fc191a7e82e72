using System.Collections.Immutable;
using SlaFunctions.Core.Diagnostics;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.Postgres.Events;

/// <summary>
/// <see cref="IBatchIngestion"/> of the polling backend: a batch with the outcome <see cref="EventIngestion"/> gives
/// its events one by one, over this backend's inbox, dead letters and parking, in fewer transactions.
/// </summary>
public sealed class PostgresBatchIngestion(
    EventInbox inbox,
    PostgresDeadLetters deadLetters,
    PostgresParking parking,
    PostgresSlaService slas,
    EventRouter router
) : IBatchIngestion
{
    /// <summary>
    /// A batch in few transactions: one inbox read; the SLAs it starts; then, per correlation key, each ticket's
    /// events applied together (one locked load and store, one firing with all of them known).
    /// Starts go first, so an event that came before its ticket's creation in the batch applies rather than parks.
    /// An applied event's inbox row is written in the transaction of the last ticket it is applied to (there is no
    /// other inbox write: a parked event's id is held by its parked row), so a crash
    /// mid-batch leaves no event acknowledged by a ticket without its inbox row, nor marked processed before
    /// every ticket has it (a redelivery then applies it where it is missing and is a duplicate elsewhere).
    /// </summary>
    public async Task<ImmutableArray<IngestResult>> IngestBatchAsync(
        IReadOnlyList<EventEnvelope> envelopes,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(envelopes);
        using var trace = SlaTelemetry.Traces.StartActivity("sla.events.ingest_batch");
        var results = new IngestResult?[envelopes.Count];
        // Each new event's digest, computed once: its inbox row and every ticket's check of it use it.
        var digests = new string?[envelopes.Count];
        var processed = await inbox.ProcessedAsync(envelopes, cancellationToken);
        var seen = new Dictionary<(string, string), string>();
        var starts = new List<(int Index, StartSla Start)>();
        var applies = new List<(int Index, ApplyEvent Apply)>();
        for (var i = 0; i < envelopes.Count; i++)
        {
            var envelope = envelopes[i];
            var id = (envelope.TenantId, envelope.EventId);
            if (processed.TryGetValue(id, out var digest) || seen.TryGetValue(id, out digest))
            {
                results[i] = EventIdReuse.IsRetry(digest, envelope)
                    ? EventIdReuse.Duplicate
                    : await EventIngestion.DeadLetterAsync(
                        deadLetters,
                        envelope,
                        EventIdReuse.Rejection(envelope),
                        cancellationToken
                    );
                continue;
            }

            seen[id] = digests[i] = envelope.ContentDigest();

            switch (router.Route(envelope))
            {
                case RejectedEvent rejected:
                    results[i] = await EventIngestion.DeadLetterAsync(
                        deadLetters,
                        envelope,
                        rejected.Rejection,
                        cancellationToken
                    );
                    break;
                case IgnoredEvent ignored:
                    results[i] = new IngestResult(IngestStatus.Ignored, ignored.Reason);
                    break;
                case StartSla start:
                    starts.Add((i, start));
                    break;
                case ApplyEvent apply:
                    applies.Add((i, apply));
                    break;
            }
        }

        // A ticket created in this batch takes the batch's later events for its keys in its starting
        // transaction; the per-key groups below then leave it out for those events.
        var merged = new Dictionary<int, List<(string TicketId, AppliedEvent Applied)>>();
        foreach (var (index, start) in starts)
        {
            var keys = start.SubscriptionKeys.Add(start.Ticket.TicketId);
            var following = applies
                .Where(a =>
                    envelopes[a.Index].TenantId == start.Ticket.TenantId && keys.Contains(a.Apply.CorrelationKey)
                )
                .ToList();
            var processedHere = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                [envelopes[index].EventId] = digests[index],
            };
            foreach (var f in following)
            {
                // Recorded here only when no other ticket will take the event after this start.
                if (
                    (
                        await parking.TicketsOfAsync(start.Ticket.TenantId, f.Apply.CorrelationKey, cancellationToken)
                    ).All(t => t == start.Ticket.TicketId)
                )
                {
                    processedHere[envelopes[f.Index].EventId] = digests[f.Index];
                }
            }

            var (result, applied) = await StartAsync(
                envelopes[index],
                start,
                [.. following.Select(f => f.Apply.Event)],
                processedHere,
                cancellationToken
            );
            results[index] = result;
            for (var i = 0; i < applied.Length; i++)
            {
                (merged.TryGetValue(following[i].Index, out var list) ? list : merged[following[i].Index] = []).Add(
                    (start.Ticket.TicketId, applied[i])
                );
            }
        }

        foreach (var group in applies.GroupBy(a => (envelopes[a.Index].TenantId, a.Apply.CorrelationKey)))
        {
            await ApplyGroupAsync(envelopes, digests, [.. group], merged, results, cancellationToken);
        }

        return [.. results.Select(r => r!)];
    }

    private async Task<(IngestResult Result, ImmutableArray<AppliedEvent> Following)> StartAsync(
        EventEnvelope envelope,
        StartSla start,
        IReadOnlyList<TicketEvent> following,
        IReadOnlyDictionary<string, string?> processed,
        CancellationToken cancellationToken
    )
    {
        try
        {
            var (change, applied) = await slas.StartWithAsync(
                start.Ticket,
                start.Request with
                {
                    CorrelationKeys = start.SubscriptionKeys,
                },
                following,
                processed,
                cancellationToken
            );
            await parking.SubscribeAsync(
                start.Ticket,
                start.SubscriptionKeys.Add(start.Ticket.TicketId),
                cancellationToken
            );
            return (EventIngestion.Started(start, change), applied);
        }
        catch (InvalidInputException e)
        {
            return (
                await EventIngestion.DeadLetterAsync(deadLetters, envelope, Rejection.Refused(e), cancellationToken),
                []
            );
        }
    }

    /// <summary>
    /// The events of one correlation key: applied together to each ticket subscribed to it (but not again to
    /// a ticket that took them when it started), or parked when there is none.
    /// </summary>
    private async Task ApplyGroupAsync(
        IReadOnlyList<EventEnvelope> envelopes,
        string?[] digests,
        List<(int Index, ApplyEvent Apply)> group,
        Dictionary<int, List<(string TicketId, AppliedEvent Applied)>> merged,
        IngestResult?[] results,
        CancellationToken cancellationToken
    )
    {
        var (tenant, key) = (envelopes[group[0].Index].TenantId, group[0].Apply.CorrelationKey);
        var tickets = await parking.TicketsOfAsync(tenant, key, cancellationToken);
        if (tickets.Count == 0)
        {
            foreach (var (index, apply) in group)
            {
                results[index] = await EventIngestion.ResultAsync(
                    await parking.ParkAsync(envelopes[index], apply, cancellationToken),
                    envelopes[index],
                    apply,
                    deadLetters,
                    cancellationToken
                );
            }

            return;
        }

        var effects = group
            .Select(g => merged.GetValueOrDefault(g.Index)?.Select(m => m.Applied).ToList() ?? [])
            .ToList();
        bool IsPending(int i, string ticketId) =>
            merged.GetValueOrDefault(group[i].Index)?.Any(m => m.TicketId == ticketId) != true;
        foreach (var ticketId in tickets)
        {
            var pending = Enumerable.Range(0, group.Count).Where(i => IsPending(i, ticketId)).ToList();
            if (pending.Count == 0)
            {
                continue;
            }

            var processed = pending
                .Where(i => tickets.Last(t => IsPending(i, t)) == ticketId)
                .Select(i => group[i].Index)
                .DistinctBy(index => envelopes[index].EventId, StringComparer.Ordinal)
                .ToDictionary(index => envelopes[index].EventId, index => digests[index], StringComparer.Ordinal);
            var (applied, _) = await slas.ApplyAllAsync(
                new TicketKey(tenant, ticketId),
                [.. pending.Select(i => group[i].Apply.Event)],
                processed,
                cancellationToken: cancellationToken
            );
            for (var j = 0; j < pending.Count; j++)
            {
                effects[pending[j]].Add(applied[j]);
            }
        }

        for (var i = 0; i < group.Count; i++)
        {
            var index = group[i].Index;
            var delivered = effects[i].FirstOrDefault(e => e.Error is not null)?.Error is { } error
                ? new Delivery(DeliveryStatus.Refused, [.. tickets], Rejection.Refused(error))
                : new Delivery(
                    effects[i].All(e => e.Effect == EventEffect.Duplicate)
                        ? DeliveryStatus.Duplicate
                        : DeliveryStatus.Applied,
                    [.. tickets]
                );
            results[index] = await EventIngestion.ResultAsync(
                delivered,
                envelopes[index],
                group[i].Apply,
                deadLetters,
                cancellationToken
            );
        }
    }
}
