using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.Postgres.Events;

/// <summary>
/// <see cref="IEventDelivery"/> of the polling backend: an event goes to the SLAs subscribed to its key (table
/// <c>correlation_keys</c>), each applying it in its own transaction, or is parked (table <c>parked_events</c>)
/// until one starts; a start drains what is parked under its keys, in <see cref="ParkingOrder"/>.
/// </summary>
public sealed class PostgresParking(
    NpgsqlDataSource dataSource,
    PostgresSlaService slas,
    EventRouter router,
    PostgresDeadLetters deadLetters,
    IClock clock,
    ILogger<PostgresParking> logger
) : IEventDelivery
{
    public async Task<Delivery> DeliverAsync(
        EventEnvelope envelope,
        ApplyEvent apply,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(apply);
        var tickets = await TicketsOfAsync(envelope.TenantId, apply.CorrelationKey, cancellationToken);
        return tickets.Count > 0
            ? await ApplyToAsync(envelope, tickets, apply, parked: false, cancellationToken)
            : await ParkAsync(envelope, apply, cancellationToken);
    }

    public async Task SubscribeAsync(
        TicketKey ticket,
        IEnumerable<string> correlationKeys,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var arrivals = new List<(string EventId, string Key, EventEnvelope Envelope)>();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (
            var select = Sql.Command(
                connection,
                """
                select event_id, correlation_key, envelope::text from parked_events
                where tenant_id = $1 and correlation_key = any($2) order by parked_at, event_id
                """,
                ticket.TenantId,
                correlationKeys.ToArray()
            )
        )
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                arrivals.Add((reader.GetString(0), reader.GetString(1), EventEnvelopeJson.Read(reader.GetString(2))));
            }
        }

        foreach (var (eventId, key, envelope) in ParkingOrder.InOrder(arrivals, a => a.Envelope.OccurredAt))
        {
            if (
                router.Route(envelope, key) is ApplyEvent apply
                && await ApplyToAsync(envelope, [ticket.TicketId], apply, parked: true, cancellationToken)
                    is { Status: DeliveryStatus.Refused } refused
            )
            {
                await EventIngestion.DeadLetterAsync(deadLetters, envelope, refused.Refusal!, cancellationToken);
            }

            // Unparked and marked processed together; a crash before this leaves it parked for the next sweep.
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await Sql.ExecuteAsync(
                connection,
                """
                with unparked as (delete from parked_events where tenant_id = $1 and event_id = $2 returning tenant_id, event_id)
                insert into processed_events (tenant_id, event_id, processed_at, content_digest)
                select tenant_id, event_id, $3, $4 from unparked on conflict do nothing
                """,
                cancellationToken,
                ticket.TenantId,
                eventId,
                clock.GetCurrentInstant(),
                envelope.ContentDigest()
            );
        }
    }

    /// <summary>
    /// Expires parked events once a minute until cancelled, through database outages (<see cref="ResilientLoop"/>).
    /// </summary>
    public Task RunExpiryAsync(CancellationToken cancellationToken)
    {
        var loop = new ResilientLoop("The parking expiry sweep", dataSource, logger);
        return loop.RunAsync(
            async ct =>
            {
                await ExpireParkedAsync(ct);
                loop.Succeeded();
                await Task.Delay(TimeSpan.FromMinutes(1), ct);
            },
            cancellationToken
        );
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
        await using var expire = Sql.Command(
            connection,
            """
            with expired as (
                delete from parked_events p where expires_at <= $1
                  and not exists (
                    select 1 from correlation_keys k where k.tenant_id = p.tenant_id and k.correlation_key = p.correlation_key)
                returning tenant_id, event_id, envelope::text as envelope,
                          'no SLA started for correlation key ''' || correlation_key || ''' within the parking window' as description
            ), letters as (
                insert into dead_letters (tenant_id, event_id, reason, description, payload, at)
                select tenant_id, event_id, $2, description, envelope, $1 from expired
                on conflict (tenant_id, event_id, reason) where event_id is not null do nothing
            ), audit as (
                insert into audit_log (tenant_id, ticket_id, at, action, detail)
                select tenant_id, null, $1, 'dead_lettered',
                       jsonb_build_object('eventId', event_id, 'reason', $2::text, 'description', description)
                from expired
            )
            select tenant_id, event_id, description from expired
            """,
            clock.GetCurrentInstant(),
            DeadLetterReason.ParkingExpired
        );
        await using var reader = await expire.ExecuteReaderAsync(cancellationToken);
        var count = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            count++;
            deadLetters.Logged(
                reader.GetString(0),
                reader.GetString(1),
                DeadLetterReason.ParkingExpired,
                reader.GetString(2)
            );
        }

        return count;
    }

    /// <summary>The tickets subscribed to a key, in id order.</summary>
    internal async Task<List<string>> TicketsOfAsync(string tenantId, string key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = Sql.Command(
            connection,
            "select ticket_id from correlation_keys where tenant_id = $1 and correlation_key = $2 order by ticket_id",
            tenantId,
            key
        );
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var tickets = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tickets.Add(reader.GetString(0));
        }

        return tickets;
    }

    internal async Task<Delivery> ParkAsync(
        EventEnvelope envelope,
        ApplyEvent apply,
        CancellationToken cancellationToken
    )
    {
        var now = clock.GetCurrentInstant();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var parked = await Sql.ExecuteAsync(
            connection,
            """
            insert into parked_events (tenant_id, event_id, correlation_key, occurred_at, envelope, parked_at, expires_at)
            values ($1, $2, $3, $4, $5::jsonb, $6, $7) on conflict do nothing
            """,
            cancellationToken,
            envelope.TenantId,
            envelope.EventId,
            apply.CorrelationKey,
            envelope.OccurredAt,
            EventIngestion.Payload(envelope),
            now,
            now + router.Settings.ParkingWindow
        );
        if (parked == 1)
        {
            return Delivery.Parked;
        }

        var first = await Sql.ScalarAsync<string>(
            connection,
            "select envelope::text from parked_events where tenant_id = $1 and event_id = $2",
            cancellationToken,
            envelope.TenantId,
            envelope.EventId
        );
        return first is null || EventIdReuse.IsRetry(EventEnvelopeJson.Read(first).ContentDigest(), envelope)
            ? new Delivery(DeliveryStatus.ParkedBefore, [])
            : new Delivery(DeliveryStatus.ParkedWithOtherContent, []);
    }

    /// <param name="parked">The event was parked until now: its unparking marks it processed (otherwise the last
    /// ticket's store does), and it is not judged late, since nothing had been acted on when it was received.</param>
    private async Task<Delivery> ApplyToAsync(
        EventEnvelope envelope,
        IReadOnlyList<string> tickets,
        ApplyEvent apply,
        bool parked,
        CancellationToken cancellationToken
    )
    {
        var effects = new List<EventEffect>();
        foreach (var ticketId in tickets)
        {
            try
            {
                IReadOnlyDictionary<string, string?>? inbox =
                    !parked && ticketId == tickets[^1]
                        ? new Dictionary<string, string?>(StringComparer.Ordinal)
                        {
                            [envelope.EventId] = envelope.ContentDigest(),
                        }
                        : null;
                var (applied, _) = await slas.ApplyAllAsync(
                    new TicketKey(envelope.TenantId, ticketId),
                    [apply.Event],
                    inbox,
                    judgeLate: !parked,
                    cancellationToken
                );
                effects.Add(applied[0].Error is { } error ? throw error : applied[0].Effect!.Value);
            }
            catch (InvalidInputException e)
            {
                return new Delivery(DeliveryStatus.Refused, [.. tickets], Rejection.Refused(e));
            }
        }

        return new Delivery(
            effects.All(e => e == EventEffect.Duplicate) ? DeliveryStatus.Duplicate : DeliveryStatus.Applied,
            [.. tickets]
        );
    }

    private async Task DrainStrandedAsync(CancellationToken cancellationToken)
    {
        var stranded = new List<(TicketKey Ticket, string Key)>();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (
            var select = Sql.Command(
                connection,
                """
                select distinct k.tenant_id, k.ticket_id, k.correlation_key from parked_events p
                join correlation_keys k on k.tenant_id = p.tenant_id and k.correlation_key = p.correlation_key
                """
            )
        )
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                stranded.Add((new TicketKey(reader.GetString(0), reader.GetString(1)), reader.GetString(2)));
            }
        }

        foreach (var (ticket, key) in stranded)
        {
            await SubscribeAsync(ticket, [key], cancellationToken);
        }
    }
}
