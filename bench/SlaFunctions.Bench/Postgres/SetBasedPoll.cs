using System.Text.Json;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Postgres.Definitions;

namespace SlaFunctions.Bench.Postgres;

/// <summary>
/// A what-if for the profile, not the product: the engine's poll with the same claim, the same Core calls
/// and the same rows written, but each table written by one statement per batch over arrays
/// (<c>unnest</c>) instead of one to three statements per row.
/// </summary>
internal sealed class SetBasedPoll(NpgsqlDataSource dataSource, PolicyCache policies, IClock clock, IReadOnlyList<string> sinks, int batchSize)
{
    /// <summary>Time spent so far: opening and claiming, the Core and JSON work, the writes, the commit.</summary>
    public double[] Seconds { get; } = new double[4];

    private readonly System.Diagnostics.Stopwatch watch = new();

    public Task<int> PollOnceAsync() => PollOnceAsync(explain: null);

    /// <summary>Runs each write of one batch under <c>explain analyze</c>, adds the plans to <paramref name="plans"/>, and rolls back.</summary>
    public Task ExplainAsync(List<string> plans) => PollOnceAsync(plans);

    private async Task<int> PollOnceAsync(List<string>? explain)
    {
        watch.Restart();
        var now = clock.GetCurrentInstant();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var claimed = new List<(TicketKey Ticket, PolicyRef Policy, string Snapshot, long Version)>();
        await using (var claim = new NpgsqlCommand("""
            select tenant_id, ticket_id, policy_id, policy_version, snapshot::text, version from ticket_slas
            where backend = 'polling' and next_wake_at <= $1
            order by next_wake_at
            limit $2
            for update skip locked
            """, connection) { Parameters = { new() { Value = now }, new() { Value = batchSize } } })
        await using (var reader = await claim.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                claimed.Add((new TicketKey(reader.GetString(0), reader.GetString(1)), new PolicyRef(reader.GetString(2), reader.GetInt32(3)), reader.GetString(4), reader.GetInt64(5)));
            }
        }

        if (claimed.Count == 0)
        {
            return 0;
        }

        Lap(0);
        var rows = new List<(TicketKey Ticket, SlaRow Row, long Version)>();
        var fired = new List<(TicketKey Ticket, FiredNotification Notification)>();
        var audits = new List<(TicketKey Ticket, string Detail)>();
        foreach (var (ticket, policyRef, snapshot, version) in claimed)
        {
            var policy = await policies.GetAsync(ticket.TenantId, policyRef);
            var firing = TicketSla.Restore(policy, SlaJson.DeserializeSnapshot(snapshot)).FireDue(now);
            rows.Add((ticket, new SlaRow(firing.Sla, now > firing.Sla.Events[^1].At ? now : firing.Sla.Events[^1].At), version));
            fired.AddRange(firing.Fired.Select(n => (ticket, n)));
            if (!firing.Fired.IsEmpty)
            {
                audits.Add((ticket, JsonSerializer.Serialize(firing.Fired, SlaJson.Options)));
            }
        }

        await using var batch = new NpgsqlBatch(connection);
        Lap(1);
        batch.BatchCommands.Add(Command("""
            update ticket_slas t set snapshot = u.snapshot::jsonb, priority = u.priority, response_outcome = u.response_outcome,
                response_due_at = u.response_due_at, resolution_outcome = u.resolution_outcome, resolution_due_at = u.resolution_due_at,
                resolution_cycle = u.resolution_cycle, breached = u.breached, next_wake_at = u.next_wake_at, version = t.version + 1, updated_at = $13
            from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::timestamptz[],
                $9::int[], $10::bool[], $11::timestamptz[], $12::bigint[])
                as u(tenant_id, ticket_id, snapshot, priority, response_outcome, response_due_at, resolution_outcome, resolution_due_at,
                    resolution_cycle, breached, next_wake_at, version)
            where t.tenant_id = u.tenant_id and t.ticket_id = u.ticket_id and t.version = u.version
            """,
            Array(rows, r => r.Ticket.TenantId), Array(rows, r => r.Ticket.TicketId), Array(rows, r => r.Row.Snapshot), Array(rows, r => r.Row.Sla.Priority),
            Array(rows, r => SlaRow.Outcome(r.Row.Response)), Array(rows, r => r.Row.Response?.DueAt), Array(rows, r => SlaRow.Outcome(r.Row.Resolution)),
            Array(rows, r => r.Row.Resolution?.DueAt), Array(rows, r => r.Row.Resolution?.Cycle ?? 1), Array(rows, r => r.Row.Breached),
            Array(rows, r => r.Row.Sla.NextWakeAt), Array(rows, r => r.Version), now));
        if (fired.Count > 0)
        {
            var messages = fired.Select(f => (Message: NotificationMessage.From(f.Ticket, f.Notification), f.Notification.Slot.Ordinal)).ToList();
            batch.BatchCommands.Add(Command("""
                with input as (
                    select * from unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::numeric[], $8::int[],
                        $9::numeric[], $10::timestamptz[], $11::timestamptz[], $12::text[])
                        as u(notification_id, tenant_id, ticket_id, cycle, phase, kind, percent, level, ordinal, due_at, fired_at, payload)),
                stored as (
                    insert into notifications (notification_id, tenant_id, ticket_id, cycle, phase, kind, percent, level, ordinal, due_at, fired_at)
                    select notification_id, tenant_id, ticket_id, cycle, phase, kind, percent, level, ordinal, due_at, fired_at from input
                    on conflict do nothing
                    returning notification_id)
                insert into outbox (notification_id, sink, tenant_id, payload, state, attempts, next_attempt_at)
                select input.notification_id, sink, input.tenant_id, input.payload::json, 'pending', 0, $13
                from stored join input using (notification_id) cross join unnest($14::text[]) as sinks(sink)
                """,
                Array(messages, m => m.Message.NotificationId), Array(messages, m => m.Message.TenantId), Array(messages, m => m.Message.TicketId),
                Array(messages, m => m.Message.Cycle), Array(messages, m => m.Message.Phase), Array(messages, m => m.Message.Kind),
                Array(messages, m => m.Message.Percent), Array(messages, m => m.Message.Level), Array(messages, m => m.Ordinal),
                Array(messages, m => m.Message.DueAt), Array(messages, m => m.Message.FiredAt),
                Array(messages, m => JsonSerializer.Serialize(m.Message, SlaJson.Options)), now, sinks.ToArray()));
            batch.BatchCommands.Add(Command("""
                insert into audit_log (tenant_id, ticket_id, at, action, detail)
                select tenant_id, ticket_id, $3, 'fired', detail::jsonb from unnest($1::text[], $2::text[], $4::text[]) as u(tenant_id, ticket_id, detail)
                """,
                Array(audits, a => a.Ticket.TenantId), Array(audits, a => a.Ticket.TicketId), now, Array(audits, a => a.Detail)));
        }

        if (explain is null)
        {
            await batch.ExecuteNonQueryAsync();
            Lap(2);
            await transaction.CommitAsync();
            Lap(3);
            return claimed.Count;
        }

        foreach (var statement in batch.BatchCommands)
        {
            await using var command = new NpgsqlCommand("explain (analyze, buffers) " + statement.CommandText, connection);
            foreach (NpgsqlParameter parameter in statement.Parameters)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = parameter.Value });
            }

            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                explain.Add(reader.GetString(0));
            }
        }

        await transaction.RollbackAsync();
        return claimed.Count;
    }

    private void Lap(int step)
    {
        Seconds[step] += watch.Elapsed.TotalSeconds;
        watch.Restart();
    }

    private static T[] Array<TRow, T>(List<TRow> rows, Func<TRow, T> column) => [.. rows.Select(column)];

    private static NpgsqlBatchCommand Command(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
