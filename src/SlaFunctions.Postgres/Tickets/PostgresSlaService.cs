using System.Collections.Immutable;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;
using SlaFunctions.Postgres.Definitions;
using SlaFunctions.Postgres.Durable;
using SlaFunctions.Postgres.Events;

namespace SlaFunctions.Postgres.Tickets;

/// <summary>
/// <see cref="ISlaService"/> on PostgreSQL. Each operation is one transaction: load the row with a lock,
/// apply, fire what is due now, store snapshot, projections, wake-up, notifications and audit.
/// </summary>
public sealed class PostgresSlaService(
    NpgsqlDataSource dataSource,
    DefinitionStore definitions,
    PolicyCache policies,
    IClock clock,
    SlaStoreOptions options
) : ISlaService
{
    public async Task<SlaChange> StartAsync(
        TicketKey ticket,
        StartRequest request,
        CancellationToken cancellationToken = default
    ) => (await StartWithAsync(ticket, request, [], cancellationToken: cancellationToken)).Change;

    /// <summary>
    /// Starts the SLA with events that follow its creation (from the same batch) applied in the same
    /// transaction. When the SLA existed already nothing is applied and the events are returned empty.
    /// The ids in <paramref name="inbox"/> (the start's and the following events') are recorded as processed
    /// in that transaction, each only if its event was accepted.
    /// </summary>
    internal async Task<(SlaChange Change, ImmutableArray<AppliedEvent> Events)> StartWithAsync(
        TicketKey ticket,
        StartRequest request,
        IReadOnlyList<TicketEvent> following,
        IReadOnlyDictionary<string, string?>? inbox = null,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(following);
        Identifiers.RequireTicketId(ticket.TicketId, "ticketId");
        var now = clock.GetCurrentInstant();
        var createdAt = NotInFuture(request.CreatedAt ?? now, now, "createdAt");
        var definition = await definitions.ResolveLatestPolicyAsync(
            ticket.TenantId,
            request.PolicyId,
            request.ClientId,
            request.BoardId,
            cancellationToken
        );
        var policy = policies.Compile(ticket.TenantId, definition);
        var (sla, applied) = Fold(
            TicketSla.Start(policy, new TicketCreated(createdAt, request.Priority) { Id = request.Id }),
            following,
            now
        );
        var firing = sla.FireDueBefore(now);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlBatch(connection))
        {
            TicketSlaWrites.Insert(insert, ticket, firing.Sla, options.Backend, now, request.ClientId, request.BoardId);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            if (insert.BatchCommands[0].RecordsAffected == 0)
            {
                var existing = (
                    await StoredSla.LoadAsync(connection, policies, ticket, forUpdate: false, cancellationToken)
                )?.Stored;
                return (
                    new SlaChange(
                        EventEffect.Duplicate,
                        "the SLA has already started",
                        existing!.Sla.StatusNow(now),
                        []
                    ),
                    []
                );
            }
        }

        await using (var batch = new NpgsqlBatch(connection))
        {
            foreach (var key in request.CorrelationKeys.Prepend(ticket.TicketId).Distinct(StringComparer.Ordinal))
            {
                batch.BatchCommands.Add(
                    Sql.BatchCommand(
                        "insert into correlation_keys (tenant_id, correlation_key, ticket_id) values ($1, $2, $3) on conflict do nothing",
                        ticket.TenantId,
                        Identifiers.Require(key, "correlationKeys"),
                        ticket.TicketId
                    )
                );
            }

            TicketSlaWrites.Fired(batch, ticket, firing.Fired, options.Sinks, now);
            EventInbox.Record(batch, ticket.TenantId, Accepted(inbox, applied, request.Id), now);
            TicketSlaWrites.Audit(
                batch,
                [
                    (
                        ticket,
                        "started",
                        new
                        {
                            policy = definition.Ref,
                            request.Priority,
                            createdAt,
                            request.Id,
                        }
                    ),
                    .. Audited(ticket, applied),
                ],
                now
            );
            if (firing.Sla.NextWakeAt is not null)
            {
                TicketSlaWrites.WakeEngines(batch);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (new SlaChange(EventEffect.Applied, null, firing.Sla.StatusNow(now), firing.Fired), applied);
    }

    public Task<SlaChange> ApplyAsync(TicketKey ticket, TicketEvent e, CancellationToken cancellationToken = default) =>
        ApplyAsync(ticket, e, judgeLate: true, cancellationToken);

    /// <param name="judgeLate">Whether the event is judged late (SPEC §2 "Late events"): not when it was parked
    /// before the SLA started, since nothing had been acted on when it was received.</param>
    public async Task<SlaChange> ApplyAsync(
        TicketKey ticket,
        TicketEvent e,
        bool judgeLate,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(e);
        var (events, change) = await ApplyAllAsync(
            ticket,
            [e],
            judgeLate: judgeLate,
            cancellationToken: cancellationToken
        );
        return events[0].Error is { } error
            ? throw error
            : change with
            {
                Effect = events[0].Effect!.Value,
                Reason = events[0].Reason,
            };
    }

    /// <summary>
    /// Applies several events to one ticket in one transaction: the row is loaded and stored once, and what is
    /// due is fired once, with the whole history known. Each event's own outcome is reported; an event that
    /// cannot be accepted (in the future, before the creation, an unknown priority) is refused alone.
    /// </summary>
    /// <param name="inbox">Ids of these events to record as processed in the same transaction, each only if
    /// accepted.</param>
    /// <param name="judgeLate">Whether the events are judged late against the tenant's late-event tolerance.</param>
    /// <exception cref="SlaNotFoundException">The ticket has no SLA.</exception>
    internal async Task<(ImmutableArray<AppliedEvent> Events, SlaChange Change)> ApplyAllAsync(
        TicketKey ticket,
        IReadOnlyList<TicketEvent> events,
        IReadOnlyDictionary<string, string?>? inbox = null,
        bool judgeLate = true,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(events);
        var now = clock.GetCurrentInstant();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (stored, settings) =
            await StoredSla.LoadAsync(connection, policies, ticket, forUpdate: true, cancellationToken)
            ?? throw new SlaNotFoundException(ticket);
        var tolerance = settings.LateEventTolerance;
        var (sla, applied) = Fold(stored.Sla, events, now, judgeLate ? new Receipt(now, tolerance) : null);
        var change = await WriteAsync(
            connection,
            stored,
            tolerance,
            sla,
            applied,
            Accepted(inbox, applied, null),
            now,
            cancellationToken
        );
        await transaction.CommitAsync(cancellationToken);
        return (applied, change);
    }

    /// <summary>
    /// Stores on its locked row what events folded into a ticket's SLA: fires what is due now and writes the snapshot,
    /// notifications, inbox ids, audit and wake-up, in the caller's transaction. Nothing but refusals and inbox ids is
    /// written when no event changed the SLA.
    /// </summary>
    internal async Task<SlaChange> WriteAsync(
        NpgsqlConnection connection,
        StoredSla stored,
        Duration tolerance,
        TicketSla sla,
        ImmutableArray<AppliedEvent> applied,
        IReadOnlyDictionary<string, string?> processed,
        Instant now,
        CancellationToken cancellationToken
    )
    {
        var ticket = stored.Ticket;
        var changed = applied.Where(a => a.Effect is EventEffect.Applied or EventEffect.Ignored).ToList();
        var overall =
            applied.Any(a => a.Effect == EventEffect.Applied) ? EventEffect.Applied
            : changed.Count > 0 ? EventEffect.Ignored
            : EventEffect.Duplicate;
        if (changed.Count == 0)
        {
            // Duplicates (a redelivery after a crash that came between an earlier store and its inbox row) and
            // refusals only: the row stays as it was.
            if (processed.Count > 0 || applied.Any(a => a.Error is { IsTooLate: true }))
            {
                await using var record = new NpgsqlBatch(connection);
                EventInbox.Record(record, ticket.TenantId, processed, now);
                AuditTooLate(record, ticket, applied, now);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            return new SlaChange(overall, null, sla.StatusNow(now), []);
        }

        var firing = sla.FireDueBefore(now);
        var next = Compacted(firing.Sla, stored.Backend, now, tolerance);
        await using var batch = new NpgsqlBatch(connection);
        var update = TicketSlaWrites.Update(batch, ticket, next, stored.Version, now);
        TicketSlaWrites.Fired(batch, ticket, firing.Fired, options.Sinks, now);
        EventInbox.Record(batch, ticket.TenantId, processed, now);
        TicketSlaWrites.Audit(batch, [.. Audited(ticket, applied)], now);
        AuditTooLate(batch, ticket, applied, now);
        if (
            firing.Sla.NextWakeAt < stored.NextWakeAt
            || (stored.NextWakeAt is null && firing.Sla.NextWakeAt is not null)
        )
        {
            TicketSlaWrites.WakeEngines(batch);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        if (update.RecordsAffected != 1)
        {
            // The row is locked since it was read; only a writer ignoring the lock could have changed it.
            throw new InvalidOperationException($"Ticket {ticket} changed while locked.");
        }

        return new SlaChange(overall, null, firing.Sla.StatusNow(now), firing.Fired);
    }

    public async Task<SlaStatus?> GetStatusAsync(TicketKey ticket, CancellationToken cancellationToken = default) =>
        (await GetSlaAsync(ticket, cancellationToken))?.StatusNow(clock.GetCurrentInstant());

    public async Task<TicketSla?> GetSlaAsync(TicketKey ticket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var stored = await StoredSla.LoadAsync(connection, policies, ticket, forUpdate: false, cancellationToken);
        return stored?.Stored.Sla;
    }

    /// <summary>
    /// The SLA with its settled history folded into its checkpoint, once enough of it has gathered; only on the
    /// polling backend, whose snapshot is this row's (a durable orchestration carries its own).
    /// </summary>
    private TicketSla Compacted(TicketSla sla, SlaBackend backend, Instant now, Duration lateTolerance) =>
        backend == SlaBackend.Polling ? options.Compaction.Tolerating(lateTolerance).Compact(sla, now) : sla;

    /// <summary>
    /// Applies events one by one, each judged late under <paramref name="receipt"/> when there is one; an event that
    /// cannot be accepted is refused alone, with its error.
    /// </summary>
    internal (TicketSla Sla, ImmutableArray<AppliedEvent> Events) Fold(
        TicketSla sla,
        IReadOnlyList<TicketEvent> events,
        Instant now,
        Receipt? receipt = null
    )
    {
        var applied = ImmutableArray.CreateBuilder<AppliedEvent>(events.Count);
        foreach (var e in events)
        {
            try
            {
                NotInFuture(e.At, now, "at");
                var result = sla.Apply(e, receipt);
                sla = result.Sla;
                applied.Add(new AppliedEvent(e, result.Effect, result.Reason, null));
            }
            catch (InvalidInputException error)
            {
                applied.Add(new AppliedEvent(e, null, null, error));
            }
        }

        return (sla, applied.MoveToImmutable());
    }

    /// <summary>
    /// The ids in <paramref name="inbox"/> of the start (its id) and of the events that were not refused.
    /// </summary>
    private static Dictionary<string, string?> Accepted(
        IReadOnlyDictionary<string, string?>? inbox,
        IEnumerable<AppliedEvent> events,
        string? startId
    ) =>
        inbox is null
            ? []
            : events
                .Where(a => a.Error is null)
                .Select(a => a.Event.Id)
                .Prepend(startId)
                .OfType<string>()
                .Where(inbox.ContainsKey)
                .Distinct(StringComparer.Ordinal)
                .ToDictionary(id => id, id => inbox[id], StringComparer.Ordinal);

    /// <summary>The audit rows of the events that went into the history (applied, or kept though ignored).</summary>
    /// <summary>The audit entries of the events that changed the SLA.</summary>
    private static IEnumerable<(TicketKey, string, object)> Audited(
        TicketKey ticket,
        IEnumerable<AppliedEvent> events
    ) =>
        events
            .Where(a => a.Effect is EventEffect.Applied or EventEffect.Ignored)
            .Select(a =>
                (
                    ticket,
                    SlaJson.TypeName(a.Event),
                    (object)
                        new
                        {
                            @event = a.Event,
                            effect = a.Effect,
                            a.Reason,
                        }
                )
            );

    private static void AuditTooLate(NpgsqlBatch batch, TicketKey ticket, IEnumerable<AppliedEvent> events, Instant at)
    {
        foreach (var a in events)
        {
            if (a.Error is { IsTooLate: true } refusal)
            {
                TicketSlaWrites.AuditTooLate(batch, ticket, a.Event, refusal.Message, at);
            }
        }
    }

    private Instant NotInFuture(Instant at, Instant now, string field) =>
        at <= now + options.FutureTolerance
            ? at
            : throw new InvalidInputException(
                field,
                $"is in the future ({IsoText.Format(at)}; now is {IsoText.Format(now)})"
            );
}
