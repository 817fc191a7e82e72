using NodaTime;
using Npgsql;
using NpgsqlTypes;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.Bench.Query;

/// <summary>
/// Loads every tenant's tickets with binary COPY, with the projection columns a write gives them (as of the scenario's
/// now).
/// </summary>
internal static class QueryLoader
{
    private const string Columns = """
        tenant_id, ticket_id, policy_id, policy_version, snapshot, priority, response_outcome, response_due_at,
        resolution_outcome, resolution_due_at, resolution_cycle, breached, next_wake_at, backend, version, created_at, updated_at,
        client_id, board_id, ticket_created_at, response_target, response_completed_at, response_stopped_at, response_elapsed,
        resolution_target, resolution_completed_at, resolution_stopped_at, resolution_elapsed, open_due_at, breach_at, projected
        """;

    public static async Task CopyAsync(
        NpgsqlDataSource dataSource,
        IReadOnlyList<string> tenants,
        string policyId,
        IReadOnlyList<(TicketSla Sla, Instant UpdatedAt)> tickets
    )
    {
        var rows = tickets
            .Select(t =>
                (
                    t.Sla,
                    t.UpdatedAt,
                    Snapshot: SlaJson.Serialize(t.Sla.ToSnapshot()),
                    Row: SlaProjection.Of(t.Sla, QueryScenario.Now)
                )
            )
            .ToList();
        await using var connection = await dataSource.OpenConnectionAsync();
        // One COPY per tenant: each commits its 10k rows and their index entries well within any timeout.
        foreach (var tenant in tenants)
        {
            await using var import = await connection.BeginBinaryImportAsync(
                $"copy ticket_slas ({Columns}) from stdin (format binary)"
            );
            import.Timeout = TimeSpan.FromMinutes(10);
            for (var i = 0; i < rows.Count; i++)
            {
                var (sla, updatedAt, snapshot, row) = rows[i];
                await import.StartRowAsync();
                await import.WriteAsync(tenant, NpgsqlDbType.Text);
                await import.WriteAsync(TicketId(i), NpgsqlDbType.Text);
                await import.WriteAsync(policyId, NpgsqlDbType.Text);
                await import.WriteAsync(sla.Policy.Ref.Version, NpgsqlDbType.Integer);
                await import.WriteAsync(snapshot, NpgsqlDbType.Jsonb);
                await import.WriteAsync(sla.Priority, NpgsqlDbType.Text);
                await Text(import, row.Response?.Outcome);
                await Time(import, row.Response?.DueAt);
                await Text(import, row.Resolution?.Outcome);
                await Time(import, row.Resolution?.DueAt);
                await import.WriteAsync(row.ResolutionCycle, NpgsqlDbType.Integer);
                await import.WriteAsync(row.Breached, NpgsqlDbType.Boolean);
                await Time(import, sla.NextWakeAt);
                await import.WriteAsync(SlaBackend.Polling.Name(), NpgsqlDbType.Text);
                await import.WriteAsync(1L, NpgsqlDbType.Bigint);
                await import.WriteAsync(sla.Created.At, NpgsqlDbType.TimestampTz);
                await import.WriteAsync(updatedAt, NpgsqlDbType.TimestampTz);
                await import.WriteAsync($"client-{i % 50}", NpgsqlDbType.Text);
                await import.WriteAsync($"board-{i % 8}", NpgsqlDbType.Text);
                await import.WriteAsync(row.TicketCreatedAt, NpgsqlDbType.TimestampTz);
                foreach (var phase in new[] { row.Response, row.Resolution })
                {
                    await Interval(import, phase?.Target);
                    await Time(import, phase?.CompletedAt);
                    await Time(import, phase?.StoppedAt);
                    await Interval(import, phase?.Elapsed);
                }

                await Time(import, row.OpenDueAt);
                await Time(import, row.BreachAt);
                await import.WriteAsync((short)1, NpgsqlDbType.Smallint);
            }

            await import.CompleteAsync();
        }
    }

    /// <summary>
    /// The notifications each ticket has fired, as the service stores them: a retraction refers to what it withdraws.
    /// </summary>
    public static async Task CopyNotificationsAsync(
        NpgsqlDataSource dataSource,
        string tenant,
        IReadOnlyList<(TicketSla Sla, Instant UpdatedAt)> tickets
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var import = await connection.BeginBinaryImportAsync(
            """
            copy notifications (notification_id, tenant_id, ticket_id, cycle, phase, kind, percent, level, ordinal, due_at,
                fired_at, revision, retracts) from stdin (format binary)
            """
        );
        import.Timeout = TimeSpan.FromMinutes(10);
        for (var i = 0; i < tickets.Count; i++)
        {
            var ticket = new TicketKey(tenant, TicketId(i));
            foreach (var fired in tickets[i].Sla.Fired)
            {
                var message = NotificationMessage.From(ticket, fired);
                await import.StartRowAsync();
                await import.WriteAsync(message.NotificationId, NpgsqlDbType.Uuid);
                await import.WriteAsync(tenant, NpgsqlDbType.Text);
                await import.WriteAsync(ticket.TicketId, NpgsqlDbType.Text);
                await import.WriteAsync(message.Cycle, NpgsqlDbType.Integer);
                await import.WriteAsync(message.Phase, NpgsqlDbType.Text);
                await import.WriteAsync(message.Kind, NpgsqlDbType.Text);
                await import.WriteAsync(message.Percent, NpgsqlDbType.Numeric);
                await Integer(import, message.Level);
                await import.WriteAsync(fired.Slot.Ordinal, NpgsqlDbType.Numeric);
                await import.WriteAsync(message.DueAt, NpgsqlDbType.TimestampTz);
                await import.WriteAsync(message.FiredAt, NpgsqlDbType.TimestampTz);
                await import.WriteAsync(fired.Revision, NpgsqlDbType.Integer);
                await Uuid(import, message.Retracts);
            }
        }

        await import.CompleteAsync();
    }

    private static string TicketId(int i) => $"T-{i:D6}";

    private static Task Uuid(NpgsqlBinaryImporter import, Guid? value) =>
        value is { } id ? import.WriteAsync(id, NpgsqlDbType.Uuid) : import.WriteNullAsync();

    private static Task Integer(NpgsqlBinaryImporter import, int? value) =>
        value is { } n ? import.WriteAsync(n, NpgsqlDbType.Integer) : import.WriteNullAsync();

    private static Task Text(NpgsqlBinaryImporter import, string? value) =>
        value is null ? import.WriteNullAsync() : import.WriteAsync(value, NpgsqlDbType.Text);

    private static Task Time(NpgsqlBinaryImporter import, Instant? value) =>
        value is { } instant ? import.WriteAsync(instant, NpgsqlDbType.TimestampTz) : import.WriteNullAsync();

    private static Task Interval(NpgsqlBinaryImporter import, Duration? value) =>
        value is { } duration ? import.WriteAsync(duration, NpgsqlDbType.Interval) : import.WriteNullAsync();
}
