using System.Text.Json;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Postgres.Tickets;

/// <summary>
/// The statements that store a ticket's SLA, appended to one batch so that snapshot, projections,
/// notifications, outbox and audit are written in one round trip and one transaction.
/// </summary>
internal static class TicketSlaWrites
{
    public static void Insert(NpgsqlBatch batch, TicketKey ticket, TicketSla sla, string backend, Instant now)
    {
        var row = Projection.Of(sla, now);
        Add(batch, """
            insert into ticket_slas (tenant_id, ticket_id, policy_id, policy_version, snapshot, priority,
                response_outcome, response_due_at, resolution_outcome, resolution_due_at, resolution_cycle, breached,
                next_wake_at, backend, version, created_at, updated_at)
            values ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $15)
            on conflict do nothing
            """,
            ticket.TenantId, ticket.TicketId, sla.Policy.Ref.Id, sla.Policy.Ref.Version, SlaJson.Serialize(sla.ToSnapshot()), sla.Priority,
            row.ResponseOutcome, row.ResponseDueAt, row.ResolutionOutcome, row.ResolutionDueAt, row.ResolutionCycle, row.Breached,
            sla.NextWakeAt, backend, now);
    }

    /// <summary>Stores the new state if the row is still at <paramref name="expectedVersion"/> (affects 0 rows otherwise).</summary>
    public static NpgsqlBatchCommand Update(NpgsqlBatch batch, TicketKey ticket, TicketSla sla, long expectedVersion, Instant now)
    {
        var row = Projection.Of(sla, now);
        return Add(batch, """
            update ticket_slas set snapshot = $3::jsonb, priority = $4, response_outcome = $5, response_due_at = $6,
                resolution_outcome = $7, resolution_due_at = $8, resolution_cycle = $9, breached = $10,
                next_wake_at = $11, version = version + 1, updated_at = $12
            where tenant_id = $1 and ticket_id = $2 and version = $13
            """,
            ticket.TenantId, ticket.TicketId, SlaJson.Serialize(sla.ToSnapshot()), sla.Priority, row.ResponseOutcome, row.ResponseDueAt,
            row.ResolutionOutcome, row.ResolutionDueAt, row.ResolutionCycle, row.Breached, sla.NextWakeAt, now, expectedVersion);
    }

    /// <summary>Each notification once (its slot is unique), and for each newly stored one an outbox row per sink.</summary>
    public static void Fired(NpgsqlBatch batch, TicketKey ticket, IEnumerable<FiredNotification> fired, IReadOnlyList<string> sinks, Instant now)
    {
        foreach (var notification in fired)
        {
            var message = NotificationMessage.From(ticket, notification);
            Add(batch, """
                with stored as (
                    insert into notifications (notification_id, tenant_id, ticket_id, cycle, phase, kind, percent, level, ordinal, due_at, fired_at)
                    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                    on conflict do nothing
                    returning notification_id)
                insert into outbox (notification_id, sink, tenant_id, payload, state, attempts, next_attempt_at)
                select stored.notification_id, sink, $2, $12::json, 'pending', 0, $13
                from stored cross join unnest($14::text[]) as sinks(sink)
                """,
                message.NotificationId, ticket.TenantId, ticket.TicketId, message.Cycle, message.Phase, message.Kind, message.Percent,
                message.Level, notification.Slot.Ordinal, message.DueAt, message.FiredAt, JsonSerializer.Serialize(message, SlaJson.Options),
                now, sinks.ToArray());
        }
    }

    public static void Audit(NpgsqlBatch batch, TicketKey ticket, Instant at, string action, object detail) =>
        Add(batch, "insert into audit_log (tenant_id, ticket_id, at, action, detail) values ($1, $2, $3, $4, $5::jsonb)",
            ticket.TenantId, ticket.TicketId, at, action, JsonSerializer.Serialize(detail, SlaJson.Options));

    public static void WakeEngines(NpgsqlBatch batch) => Add(batch, $"select pg_notify('{Polling.WakeListener.Channel}', '')");

    private static NpgsqlBatchCommand Add(NpgsqlBatch batch, string sql, params object?[] parameters)
    {
        var command = Sql.BatchCommand(sql, parameters);
        batch.BatchCommands.Add(command);
        return command;
    }

    /// <summary>The queryable columns, derived from the status now.</summary>
    private sealed record Projection(string? ResponseOutcome, Instant? ResponseDueAt, string? ResolutionOutcome, Instant? ResolutionDueAt, int ResolutionCycle, bool Breached)
    {
        public static Projection Of(TicketSla sla, Instant now)
        {
            var status = sla.StatusAt(now > sla.Events[^1].At ? now : sla.Events[^1].At);
            var response = status.Phases.FirstOrDefault(p => p.Phase == SlaPhase.Response);
            var resolution = status.Phases.LastOrDefault(p => p.Phase == SlaPhase.Resolution);
            return new Projection(
                response is null ? null : SimulationJson.Name(response.Outcome),
                response?.DueAt,
                resolution is null ? null : SimulationJson.Name(resolution.Outcome),
                resolution?.DueAt,
                resolution?.Cycle ?? 1,
                status.Phases.Any(p => p.Outcome == PhaseOutcome.Breached));
        }
    }
}
