using System.Text.Json;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Postgres.Tickets;

/// <summary>
/// The statements that store tickets' SLAs, appended to one batch so that snapshots, projections,
/// notifications, outbox and audit are written in one round trip and one transaction. Each table is written
/// by one statement over arrays whether one ticket changes or a batch of them: the same few statements,
/// prepared once, serve the commands and the polling engine.
/// </summary>
internal static class TicketSlaWrites
{
    public static void Insert(
        NpgsqlBatch batch,
        TicketKey ticket,
        TicketSla sla,
        SlaBackend backend,
        Instant now,
        string? clientId = null,
        string? boardId = null
    )
    {
        var row = SlaProjection.Of(sla, now);
        Add(
            batch,
            """
            insert into ticket_slas (tenant_id, ticket_id, policy_id, policy_version, snapshot, priority,
                response_outcome, response_due_at, resolution_outcome, resolution_due_at, resolution_cycle, breached,
                next_wake_at, backend, version, created_at, updated_at, client_id, board_id, ticket_created_at,
                response_target, response_completed_at, response_stopped_at, response_elapsed,
                resolution_target, resolution_completed_at, resolution_stopped_at, resolution_elapsed, open_due_at, breach_at, projected)
            values ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $15, $16, $17, $18,
                $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, 1)
            on conflict do nothing
            """,
            ticket.TenantId,
            ticket.TicketId,
            sla.Policy.Ref.Id,
            sla.Policy.Ref.Version,
            SlaJson.Serialize(sla.ToSnapshot()),
            sla.Priority,
            row.Response?.Outcome,
            row.Response?.DueAt,
            row.Resolution?.Outcome,
            row.Resolution?.DueAt,
            row.ResolutionCycle,
            row.Breached,
            sla.NextWakeAt,
            backend.Name(),
            now,
            clientId,
            boardId,
            row.TicketCreatedAt,
            row.Response?.Target,
            row.Response?.CompletedAt,
            row.Response?.StoppedAt,
            row.Response?.Elapsed,
            row.Resolution?.Target,
            row.Resolution?.CompletedAt,
            row.Resolution?.StoppedAt,
            row.Resolution?.Elapsed,
            row.OpenDueAt,
            row.BreachAt
        );
    }

    /// <summary>
    /// Stores the new state if the row is still at <paramref name="expectedVersion"/> (affects 0 rows otherwise).
    /// </summary>
    public static NpgsqlBatchCommand Update(
        NpgsqlBatch batch,
        TicketKey ticket,
        TicketSla sla,
        long expectedVersion,
        Instant now
    ) => Update(batch, [new SlaUpdate(ticket, sla, expectedVersion)], now);

    /// <summary>
    /// Stores the new state of each ticket whose row is still at its expected version, in one statement; the
    /// command's RecordsAffected says how many were.
    /// </summary>
    public static NpgsqlBatchCommand Update(NpgsqlBatch batch, IReadOnlyList<SlaUpdate> updates, Instant now)
    {
        var rows = updates.Select(u => (Update: u, Row: SlaProjection.Of(u.Sla, now))).ToList();
        return Add(
            batch,
            """
            update ticket_slas t set snapshot = u.snapshot::jsonb, priority = u.priority, response_outcome = u.response_outcome,
                response_due_at = u.response_due_at, resolution_outcome = u.resolution_outcome, resolution_due_at = u.resolution_due_at,
                resolution_cycle = u.resolution_cycle, breached = u.breached, next_wake_at = u.next_wake_at, version = t.version + 1, updated_at = $13,
                ticket_created_at = u.ticket_created_at, response_target = u.response_target, response_completed_at = u.response_completed_at,
                response_stopped_at = u.response_stopped_at, response_elapsed = u.response_elapsed, resolution_target = u.resolution_target,
                resolution_completed_at = u.resolution_completed_at, resolution_stopped_at = u.resolution_stopped_at,
                resolution_elapsed = u.resolution_elapsed, open_due_at = u.open_due_at, breach_at = u.breach_at, projected = 1,
                policy_version_in_force = u.policy_version_in_force
            from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::timestamptz[],
                $9::int[], $10::bool[], $11::timestamptz[], $12::bigint[], $14::timestamptz[], $15::interval[], $16::timestamptz[],
                $17::timestamptz[], $18::interval[], $19::interval[], $20::timestamptz[], $21::timestamptz[], $22::interval[],
                $23::timestamptz[], $24::timestamptz[], $25::int[])
                as u(tenant_id, ticket_id, snapshot, priority, response_outcome, response_due_at, resolution_outcome, resolution_due_at,
                    resolution_cycle, breached, next_wake_at, version, ticket_created_at, response_target, response_completed_at,
                    response_stopped_at, response_elapsed, resolution_target, resolution_completed_at, resolution_stopped_at,
                    resolution_elapsed, open_due_at, breach_at, policy_version_in_force)
            where t.tenant_id = u.tenant_id and t.ticket_id = u.ticket_id and t.version = u.version
            """,
            Column(rows, r => r.Update.Ticket.TenantId),
            Column(rows, r => r.Update.Ticket.TicketId),
            Column(rows, r => SlaJson.Serialize(r.Update.Sla.ToSnapshot())),
            Column(rows, r => r.Update.Sla.Priority),
            Column(rows, r => r.Row.Response?.Outcome),
            Column(rows, r => r.Row.Response?.DueAt),
            Column(rows, r => r.Row.Resolution?.Outcome),
            Column(rows, r => r.Row.Resolution?.DueAt),
            Column(rows, r => r.Row.ResolutionCycle),
            Column(rows, r => r.Row.Breached),
            Column(rows, r => r.Update.Sla.NextWakeAt),
            Column(rows, r => r.Update.ExpectedVersion),
            now,
            Column(rows, r => r.Row.TicketCreatedAt),
            Column(rows, r => r.Row.Response?.Target),
            Column(rows, r => r.Row.Response?.CompletedAt),
            Column(rows, r => r.Row.Response?.StoppedAt),
            Column(rows, r => r.Row.Response?.Elapsed),
            Column(rows, r => r.Row.Resolution?.Target),
            Column(rows, r => r.Row.Resolution?.CompletedAt),
            Column(rows, r => r.Row.Resolution?.StoppedAt),
            Column(rows, r => r.Row.Resolution?.Elapsed),
            Column(rows, r => r.Row.OpenDueAt),
            Column(rows, r => r.Row.BreachAt),
            Column(rows, r => r.Row.PolicyVersionInForce)
        );
    }

    /// <summary>
    /// Each notification once (its slot is unique), and for each newly stored one an outbox row per sink.
    /// </summary>
    public static NpgsqlBatchCommand? Fired(
        NpgsqlBatch batch,
        TicketKey ticket,
        IEnumerable<FiredNotification> fired,
        IReadOnlyList<string> sinks,
        Instant now
    ) => Fired(batch, [.. fired.Select(n => (ticket, n))], sinks, now);

    /// <summary>
    /// Notifications of several tickets in one statement: each stored once (its slot is unique), and for each
    /// newly stored one an outbox row per sink, first attempted at <paramref name="publishFrom"/>. The command's
    /// RecordsAffected counts outbox rows: newly stored notifications times sinks. Null when nothing fired.
    /// </summary>
    public static NpgsqlBatchCommand? Fired(
        NpgsqlBatch batch,
        IReadOnlyList<(TicketKey Ticket, FiredNotification Notification)> fired,
        IReadOnlyList<string> sinks,
        Instant publishFrom
    )
    {
        if (fired.Count == 0)
        {
            return null;
        }

        var messages = fired
            .Select(f =>
                (
                    Message: NotificationMessage.From(f.Ticket, f.Notification),
                    f.Notification.Slot.Ordinal,
                    f.Notification.Revision
                )
            )
            .ToList();
        return Add(
            batch,
            """
            with input as (
                select * from unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::numeric[], $8::int[],
                    $9::numeric[], $10::timestamptz[], $11::timestamptz[], $12::text[], $15::int[], $16::uuid[])
                    as u(notification_id, tenant_id, ticket_id, cycle, phase, kind, percent, level, ordinal, due_at, fired_at, payload, revision, retracts)),
            stored as (
                insert into notifications (notification_id, tenant_id, ticket_id, cycle, phase, kind, percent, level, ordinal, due_at, fired_at, revision, retracts)
                select notification_id, tenant_id, ticket_id, cycle, phase, kind, percent, level, ordinal, due_at, fired_at, revision, retracts from input
                on conflict do nothing
                returning notification_id)
            insert into outbox (notification_id, sink, tenant_id, payload, state, attempts, next_attempt_at)
            select input.notification_id, sink, input.tenant_id, input.payload::json, 'pending', 0, $13
            from stored join input using (notification_id) cross join unnest($14::text[]) as sinks(sink)
            """,
            Column(messages, m => m.Message.NotificationId),
            Column(messages, m => m.Message.TenantId),
            Column(messages, m => m.Message.TicketId),
            Column(messages, m => m.Message.Cycle),
            Column(messages, m => m.Message.Phase),
            Column(messages, m => m.Message.Kind),
            Column(messages, m => m.Message.Percent),
            Column(messages, m => m.Message.Level),
            Column(messages, m => m.Ordinal),
            Column(messages, m => m.Message.DueAt),
            Column(messages, m => m.Message.FiredAt),
            Column(messages, m => JsonSerializer.Serialize(m.Message, SlaJson.Options)),
            publishFrom,
            sinks.ToArray(),
            Column(messages, m => m.Revision),
            Column(messages, m => m.Message.Retracts)
        );
    }

    public static void Audit(NpgsqlBatch batch, TicketKey ticket, Instant at, string action, object detail) =>
        Audit(batch, [(ticket, action, detail)], at);

    /// <summary>
    /// The audit entry of an event refused as too late (SPEC §2 "Late events"), kept on the ticket, since such a
    /// refusal is an attempt to rewrite its history, whichever way the event came; once per event id, however often
    /// the event is sent or redelivered.
    /// </summary>
    /// <param name="description">The refusal as <c>{path}: {problem}</c>.</param>
    public static void AuditTooLate(
        NpgsqlBatch batch,
        TicketKey ticket,
        TicketEvent e,
        string description,
        Instant at
    ) =>
        Add(
            batch,
            """
            insert into audit_log (tenant_id, ticket_id, at, action, detail)
            select $1, $2, $3, 'too_late', $4::jsonb
            where $5::text is null or not exists (
                select 1 from audit_log where tenant_id = $1 and ticket_id = $2 and action = 'too_late' and detail->'event'->>'id' = $5)
            """,
            ticket.TenantId,
            ticket.TicketId,
            at,
            JsonSerializer.Serialize(new { @event = e, description }, SlaJson.Options),
            e.Id
        );

    /// <summary>Audit rows of several tickets in one statement.</summary>
    public static void Audit(
        NpgsqlBatch batch,
        IReadOnlyList<(TicketKey Ticket, string Action, object Detail)> entries,
        Instant at
    )
    {
        if (entries.Count > 0)
        {
            Add(
                batch,
                """
                insert into audit_log (tenant_id, ticket_id, at, action, detail)
                select tenant_id, ticket_id, $3, action, detail::jsonb from unnest($1::text[], $2::text[], $4::text[], $5::text[]) as u(tenant_id, ticket_id, action, detail)
                """,
                Column(entries, e => e.Ticket.TenantId),
                Column(entries, e => e.Ticket.TicketId),
                at,
                Column(entries, e => e.Action),
                Column(entries, e => JsonSerializer.Serialize(e.Detail, SlaJson.Options))
            );
        }
    }

    public static void WakeEngines(NpgsqlBatch batch) =>
        Add(batch, $"select pg_notify('{Polling.WakeListener.Channel}', '')");

    private static NpgsqlBatchCommand Add(NpgsqlBatch batch, string sql, params object?[] parameters)
    {
        var command = Sql.BatchCommand(sql, parameters);
        batch.BatchCommands.Add(command);
        return command;
    }

    private static T[] Column<TRow, T>(IReadOnlyList<TRow> rows, Func<TRow, T> value)
    {
        var column = new T[rows.Count];
        for (var i = 0; i < column.Length; i++)
        {
            column[i] = value(rows[i]);
        }

        return column;
    }
}
