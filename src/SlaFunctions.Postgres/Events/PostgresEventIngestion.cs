using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Diagnostics;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;
using SlaFunctions.Postgres.Durable;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.Postgres.Events;

/// <summary>
/// <see cref="IEventIngestion"/> on PostgreSQL. An event id is processed once (inbox); an event for a
/// correlation key without an SLA is parked until one starts, then applied in order; what cannot be used
/// is dead-lettered with its reason. A redelivery after a crash is harmless: every command carries the
/// event id, which the SLA applies once.
/// </summary>
public sealed class PostgresEventIngestion(
    NpgsqlDataSource dataSource, PostgresSlaService slas, EventRouter router, IClock clock, ILogger<PostgresEventIngestion> logger) : IEventIngestion
{
    private readonly EventInbox inbox = new(dataSource, clock);

    public async Task<IngestResult> IngestAsync(EventEnvelope envelope, string? transportKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        using var trace = SlaTelemetry.Traces.StartActivity("sla.events.ingest");
        trace?.SetTag("sla.event.type", envelope.EventType);
        if (await inbox.LookUpAsync(envelope, cancellationToken) is (true, var retry))
        {
            return retry ? EventIdReuse.Duplicate : await DeadLetterAsync(envelope, EventIdReuse.Rejection(envelope), cancellationToken);
        }

        var result = router.Route(envelope, transportKey) switch
        {
            RejectedEvent rejected => await DeadLetterAsync(envelope, rejected.Rejection, cancellationToken),
            IgnoredEvent ignored => new IngestResult(IngestStatus.Ignored, ignored.Reason),
            StartSla start => (await StartAsync(envelope, start, [], new Dictionary<string, string?> { [envelope.EventId] = envelope.ContentDigest() }, cancellationToken)).Result,
            ApplyEvent apply => await ApplyAsync(envelope, apply, cancellationToken),
            var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
        };
        // A parked event's id is held by its parked row until it is applied.
        if (result.UsesEventId && result.Status != IngestStatus.Parked)
        {
            await inbox.MarkProcessedAsync(envelope, cancellationToken);
        }

        return result;
    }

    /// <summary>
    /// A batch in few transactions: one inbox read; the SLAs it starts; then, per correlation key, each ticket's
    /// events applied together (one locked load and store, one firing with all of them known); one inbox write.
    /// Starts go first, so an event that came before its ticket's creation in the batch applies rather than parks.
    /// An applied event's inbox row is written in the transaction of the last ticket it is applied to, so a crash
    /// mid-batch leaves no event acknowledged by a ticket without its inbox row, nor marked processed before
    /// every ticket has it (a redelivery then applies it where it is missing and is a duplicate elsewhere).
    /// </summary>
    public async Task<ImmutableArray<IngestResult>> IngestBatchAsync(IReadOnlyList<EventEnvelope> envelopes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelopes);
        using var trace = SlaTelemetry.Traces.StartActivity("sla.events.ingest_batch");
        var results = new IngestResult?[envelopes.Count];
        var processed = await ProcessedAsync(envelopes, cancellationToken);
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
                    : await DeadLetterAsync(envelope, EventIdReuse.Rejection(envelope), cancellationToken);
                continue;
            }

            seen[id] = envelope.ContentDigest();

            switch (router.Route(envelope))
            {
                case RejectedEvent rejected:
                    results[i] = await DeadLetterAsync(envelope, rejected.Rejection, cancellationToken);
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
            var following = applies.Where(a => envelopes[a.Index].TenantId == start.Ticket.TenantId && keys.Contains(a.Apply.CorrelationKey)).ToList();
            var inbox = new Dictionary<string, string?>(StringComparer.Ordinal) { [envelopes[index].EventId] = envelopes[index].ContentDigest() };
            foreach (var f in following)
            {
                // Recorded here only when no other ticket will take the event after this start.
                if ((await TicketsOfAsync(start.Ticket.TenantId, f.Apply.CorrelationKey, cancellationToken)).All(t => t == start.Ticket.TicketId))
                {
                    inbox[envelopes[f.Index].EventId] = envelopes[f.Index].ContentDigest();
                }
            }

            var (result, applied) = await StartAsync(envelopes[index], start, [.. following.Select(f => f.Apply.Event)], inbox, cancellationToken);
            results[index] = result;
            for (var i = 0; i < applied.Length; i++)
            {
                (merged.TryGetValue(following[i].Index, out var list) ? list : merged[following[i].Index] = []).Add((start.Ticket.TicketId, applied[i]));
            }
        }

        foreach (var group in applies.GroupBy(a => (envelopes[a.Index].TenantId, a.Apply.CorrelationKey)))
        {
            await ApplyGroupAsync(envelopes, [.. group], merged, results, cancellationToken);
        }

        await MarkProcessedAsync(
            [.. Enumerable.Range(0, envelopes.Count).Where(i => results[i]!.UsesEventId && results[i]!.Status != IngestStatus.Parked).Select(i => envelopes[i])],
            cancellationToken);
        return [.. results.Select(r => r!)];
    }

    public async Task DeadLetterAsync(string tenantId, string? eventId, string reason, string description, string? payload, CancellationToken cancellationToken = default)
    {
        var now = clock.GetCurrentInstant();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Sql.BatchCommand("insert into dead_letters (tenant_id, event_id, reason, description, payload, at) values ($1, $2, $3, $4, $5, $6) on conflict (tenant_id, event_id, reason) where event_id is not null do nothing",
                    tenantId, eventId, reason, description, payload, now),
                Sql.BatchCommand("insert into audit_log (tenant_id, ticket_id, at, action, detail) values ($1, null, $2, 'dead_lettered', jsonb_build_object('eventId', $3::text, 'reason', $4::text, 'description', $5::text))",
                    tenantId, now, eventId, reason, description),
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
        Dead(tenantId, eventId, reason, description);
    }

    private void Dead(string tenantId, string? eventId, string reason, string description)
    {
        SlaTelemetry.DeadLetters.Add(1, new KeyValuePair<string, object?>("reason", reason));
        logger.LogWarning("Dead-lettered event {EventId} of tenant {TenantId}: {Reason}: {Description}", eventId, tenantId, reason, description);
    }

    public async Task DrainParkedAsync(TicketKey ticket, IEnumerable<string> correlationKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var parked = new List<(string EventId, string Key, string Envelope)>();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var select = Sql.Command(connection, """
            select event_id, correlation_key, envelope::text from parked_events
            where tenant_id = $1 and correlation_key = any($2) order by occurred_at, parked_at, event_id
            """, ticket.TenantId, correlationKeys.ToArray()))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                parked.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        foreach (var (eventId, key, json) in parked)
        {
            var envelope = EventEnvelopeJson.Read(json);
            if (router.Route(envelope, key) is ApplyEvent apply)
            {
                await ApplyToAsync(envelope, [ticket.TicketId], apply, cancellationToken);
            }

            // Unparked and marked processed together; a crash before this leaves it parked for the next sweep.
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await Sql.ExecuteAsync(connection, """
                with unparked as (delete from parked_events where tenant_id = $1 and event_id = $2 returning tenant_id, event_id)
                insert into processed_events (tenant_id, event_id, processed_at, content_digest)
                select tenant_id, event_id, $3, $4 from unparked on conflict do nothing
                """, cancellationToken, ticket.TenantId, eventId, clock.GetCurrentInstant(), envelope.ContentDigest());
        }
    }

    /// <summary>Expires parked events once a minute until cancelled, through database outages (<see cref="ResilientLoop"/>).</summary>
    public Task RunExpiryAsync(CancellationToken cancellationToken)
    {
        var loop = new ResilientLoop("The parking expiry sweep", dataSource, logger);
        return loop.RunAsync(async ct =>
        {
            await ExpireParkedAsync(ct);
            loop.Succeeded();
            await Task.Delay(TimeSpan.FromMinutes(1), ct);
        }, cancellationToken);
    }

    /// <summary>
    /// Dead-letters parked events whose window has passed with no SLA on their key; returns how many. One
    /// statement: an expired event leaves the parking only together with its dead-letter and audit rows. Like
    /// every dead-lettered event it leaves its id free: sent again, it is handled afresh.
    /// Events still parked although an SLA on their key has started (its drain was cut short, or they were
    /// parked while it ran) are applied first.
    /// </summary>
    public async Task<int> ExpireParkedAsync(CancellationToken cancellationToken = default)
    {
        await DrainStrandedAsync(cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var expire = Sql.Command(connection, """
            with expired as (
                delete from parked_events p where expires_at <= $1
                  and not exists (select 1 from correlation_keys k where k.tenant_id = p.tenant_id and k.correlation_key = p.correlation_key)
                returning tenant_id, event_id, envelope::text as envelope,
                          'no SLA started for correlation key ''' || correlation_key || ''' within the parking window' as description
            ), letters as (
                insert into dead_letters (tenant_id, event_id, reason, description, payload, at)
                select tenant_id, event_id, $2, description, envelope, $1 from expired
                on conflict (tenant_id, event_id, reason) where event_id is not null do nothing
            ), audit as (
                insert into audit_log (tenant_id, ticket_id, at, action, detail)
                select tenant_id, null, $1, 'dead_lettered', jsonb_build_object('eventId', event_id, 'reason', $2::text, 'description', description)
                from expired
            )
            select tenant_id, event_id, description from expired
            """, clock.GetCurrentInstant(), DeadLetterReason.ParkingExpired);
        await using var reader = await expire.ExecuteReaderAsync(cancellationToken);
        var count = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            count++;
            Dead(reader.GetString(0), reader.GetString(1), DeadLetterReason.ParkingExpired, reader.GetString(2));
        }

        return count;
    }

    private async Task DrainStrandedAsync(CancellationToken cancellationToken)
    {
        var stranded = new List<(TicketKey Ticket, string Key)>();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var select = Sql.Command(connection, """
            select distinct k.tenant_id, k.ticket_id, k.correlation_key from parked_events p
            join correlation_keys k on k.tenant_id = p.tenant_id and k.correlation_key = p.correlation_key
            """))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                stranded.Add((new TicketKey(reader.GetString(0), reader.GetString(1)), reader.GetString(2)));
            }
        }

        foreach (var (ticket, key) in stranded)
        {
            await DrainParkedAsync(ticket, [key], cancellationToken);
        }
    }

    public async Task<ImmutableArray<DeadLetter>> ListDeadLettersAsync(string tenantId, long? after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = Sql.Command(connection, """
            select dead_letter_id, event_id, reason, description, payload, at from dead_letters
            where tenant_id = $1 and dead_letter_id > $2 order by dead_letter_id limit $3
            """, tenantId, after ?? 0L, limit);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var letters = ImmutableArray.CreateBuilder<DeadLetter>();
        while (await reader.ReadAsync(cancellationToken))
        {
            letters.Add(new DeadLetter(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<Instant>(5)));
        }

        return letters.ToImmutable();
    }

    private async Task<(IngestResult Result, ImmutableArray<AppliedEvent> Following)> StartAsync(
        EventEnvelope envelope, StartSla start, IReadOnlyList<TicketEvent> following, IReadOnlyDictionary<string, string?> inbox, CancellationToken cancellationToken)
    {
        try
        {
            var (change, applied) = await slas.StartWithAsync(
                start.Ticket, start.Request with { CorrelationKeys = start.SubscriptionKeys }, following, inbox, cancellationToken);
            await DrainParkedAsync(start.Ticket, start.SubscriptionKeys.Add(start.Ticket.TicketId), cancellationToken);
            return change.Effect == EventEffect.Duplicate
                ? (new IngestResult(IngestStatus.Duplicate, change.Reason) { Tickets = [start.Ticket.TicketId] }, applied)
                : (new IngestResult(IngestStatus.Applied) { Tickets = [start.Ticket.TicketId] }, applied);
        }
        catch (InvalidInputException e)
        {
            return (await DeadLetterAsync(envelope, Rejection.From(DeadLetterReason.InvalidEvent, e), cancellationToken), []);
        }
    }

    private async Task<IngestResult> ApplyAsync(EventEnvelope envelope, ApplyEvent apply, CancellationToken cancellationToken)
    {
        var tickets = await TicketsOfAsync(envelope.TenantId, apply.CorrelationKey, cancellationToken);
        if (tickets.Count > 0)
        {
            return await ApplyToAsync(envelope, tickets, apply, cancellationToken, recordInbox: true);
        }

        var now = clock.GetCurrentInstant();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var parked = await Sql.ExecuteAsync(connection, """
            insert into parked_events (tenant_id, event_id, correlation_key, occurred_at, envelope, parked_at, expires_at)
            values ($1, $2, $3, $4, $5::jsonb, $6, $7) on conflict do nothing
            """, cancellationToken, envelope.TenantId, envelope.EventId, apply.CorrelationKey, envelope.OccurredAt,
            JsonSerializer.Serialize(envelope, SlaJson.Options), now, now + router.Settings.ParkingWindow);
        if (parked == 1)
        {
            return new IngestResult(IngestStatus.Parked, $"no SLA has started for correlation key '{apply.CorrelationKey}' yet");
        }

        var first = await Sql.ScalarAsync<string>(connection, "select envelope::text from parked_events where tenant_id = $1 and event_id = $2",
            cancellationToken, envelope.TenantId, envelope.EventId);
        return first is null || EventIdReuse.IsRetry(EventEnvelopeJson.Read(first).ContentDigest(), envelope)
            ? new IngestResult(IngestStatus.Duplicate, "an event with this id is already parked")
            : await DeadLetterAsync(envelope, EventIdReuse.Rejection(envelope), cancellationToken);
    }

    /// <param name="recordInbox">Record the event as processed with the last ticket's store.</param>
    private async Task<IngestResult> ApplyToAsync(
        EventEnvelope envelope, IReadOnlyList<string> tickets, ApplyEvent apply, CancellationToken cancellationToken, bool recordInbox = false)
    {
        var effects = new List<EventEffect>();
        foreach (var ticketId in tickets)
        {
            try
            {
                IReadOnlyDictionary<string, string?>? inbox = recordInbox && ticketId == tickets[^1]
                    ? new Dictionary<string, string?>(StringComparer.Ordinal) { [envelope.EventId] = envelope.ContentDigest() }
                    : null;
                var (applied, _) = await slas.ApplyAllAsync(new TicketKey(envelope.TenantId, ticketId), [apply.Event], inbox, cancellationToken);
                effects.Add(applied[0].Error is { } error ? throw error : applied[0].Effect!.Value);
            }
            catch (InvalidInputException e)
            {
                return await DeadLetterAsync(envelope, Rejection.From(DeadLetterReason.InvalidEvent, e), cancellationToken);
            }
        }

        return effects.All(e => e == EventEffect.Duplicate)
            ? new IngestResult(IngestStatus.Duplicate, "the ticket's SLA already has this event") { Tickets = [.. tickets] }
            : new IngestResult(IngestStatus.Applied) { Tickets = [.. tickets] };
    }

    /// <summary>
    /// The events of one correlation key: applied together to each ticket subscribed to it (but not again to
    /// a ticket that took them when it started), or parked when there is none.
    /// </summary>
    private async Task ApplyGroupAsync(
        IReadOnlyList<EventEnvelope> envelopes, List<(int Index, ApplyEvent Apply)> group,
        Dictionary<int, List<(string TicketId, AppliedEvent Applied)>> merged, IngestResult?[] results, CancellationToken cancellationToken)
    {
        var (tenant, key) = (envelopes[group[0].Index].TenantId, group[0].Apply.CorrelationKey);
        var tickets = await TicketsOfAsync(tenant, key, cancellationToken);
        if (tickets.Count == 0)
        {
            foreach (var (index, apply) in group)
            {
                results[index] = await ApplyAsync(envelopes[index], apply, cancellationToken);
            }

            return;
        }

        var effects = group.Select(g => merged.GetValueOrDefault(g.Index)?.Select(m => m.Applied).ToList() ?? []).ToList();
        bool IsPending(int i, string ticketId) => merged.GetValueOrDefault(group[i].Index)?.Any(m => m.TicketId == ticketId) != true;
        foreach (var ticketId in tickets)
        {
            var pending = Enumerable.Range(0, group.Count).Where(i => IsPending(i, ticketId)).ToList();
            if (pending.Count == 0)
            {
                continue;
            }

            var inbox = pending.Where(i => tickets.Last(t => IsPending(i, t)) == ticketId)
                .Select(i => envelopes[group[i].Index]).DistinctBy(e => e.EventId, StringComparer.Ordinal)
                .ToDictionary(e => e.EventId, e => (string?)e.ContentDigest(), StringComparer.Ordinal);
            var (applied, _) = await slas.ApplyAllAsync(new TicketKey(tenant, ticketId), [.. pending.Select(i => group[i].Apply.Event)], inbox, cancellationToken);
            for (var j = 0; j < pending.Count; j++)
            {
                effects[pending[j]].Add(applied[j]);
            }
        }

        for (var i = 0; i < group.Count; i++)
        {
            var index = group[i].Index;
            results[index] = effects[i].FirstOrDefault(e => e.Error is not null)?.Error is { } error
                ? await DeadLetterAsync(envelopes[index], Rejection.From(DeadLetterReason.InvalidEvent, error), cancellationToken)
                : effects[i].All(e => e.Effect == EventEffect.Duplicate)
                    ? new IngestResult(IngestStatus.Duplicate, "the ticket's SLA already has this event") { Tickets = [.. tickets] }
                    : new IngestResult(IngestStatus.Applied) { Tickets = [.. tickets] };
        }
    }

    /// <summary>The ids of the batch already processed, with the digest of the content they were processed with (null from before digests).</summary>
    private async Task<Dictionary<(string TenantId, string EventId), string?>> ProcessedAsync(IReadOnlyList<EventEnvelope> envelopes, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = Sql.Command(connection, """
            select p.tenant_id, p.event_id, p.content_digest from processed_events p
            join unnest($1::text[], $2::text[]) as e(tenant_id, event_id) using (tenant_id, event_id)
            """, envelopes.Select(e => e.TenantId).ToArray(), envelopes.Select(e => e.EventId).ToArray());
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var processed = new Dictionary<(string, string), string?>();
        while (await reader.ReadAsync(cancellationToken))
        {
            processed[(reader.GetString(0), reader.GetString(1))] = reader.IsDBNull(2) ? null : reader.GetString(2);
        }

        return processed;
    }

    private async Task MarkProcessedAsync(IReadOnlyList<EventEnvelope> envelopes, CancellationToken cancellationToken)
    {
        if (envelopes.Count == 0)
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Sql.ExecuteAsync(connection, """
            insert into processed_events (tenant_id, event_id, processed_at, content_digest)
            select tenant_id, event_id, $3, content_digest from unnest($1::text[], $2::text[], $4::text[]) as e(tenant_id, event_id, content_digest) on conflict do nothing
            """, cancellationToken, envelopes.Select(e => e.TenantId).ToArray(), envelopes.Select(e => e.EventId).ToArray(), clock.GetCurrentInstant(),
            envelopes.Select(e => e.ContentDigest()).ToArray());
    }

    private async Task<IngestResult> DeadLetterAsync(EventEnvelope envelope, Rejection rejection, CancellationToken cancellationToken)
    {
        await DeadLetterAsync(envelope.TenantId, envelope.EventId, rejection.Reason, rejection.Description, JsonSerializer.Serialize(envelope, SlaJson.Options), cancellationToken);
        return IngestResult.DeadLettered(rejection);
    }

    private async Task<List<string>> TicketsOfAsync(string tenantId, string key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = Sql.Command(connection,
            "select ticket_id from correlation_keys where tenant_id = $1 and correlation_key = $2 order by ticket_id", tenantId, key);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var tickets = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tickets.Add(reader.GetString(0));
        }

        return tickets;
    }
}
