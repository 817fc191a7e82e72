using NodaTime;
using NpgsqlTypes;
using SlaFunctions.Core.Service;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.Bench.Postgres;

/// <summary>
/// Loads ticket rows with binary COPY: a million in seconds, where a million starts would take an hour.
/// </summary>
internal static class TicketLoader
{
    private const string Columns = """
        tenant_id, ticket_id, policy_id, policy_version, snapshot, priority, response_outcome, response_due_at,
        resolution_outcome, resolution_due_at, resolution_cycle, breached, next_wake_at, backend, version, created_at, updated_at
        """;

    /// <summary>Rows <c>T-0000000</c> … each a template's row with its own wake-up.</summary>
    public static async Task CopyAsync(
        BenchDatabase database,
        int count,
        Func<int, (SlaRow Template, Instant WakeAt)> row
    )
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var import = await connection.BeginBinaryImportAsync(
            $"copy ticket_slas ({Columns}) from stdin (format binary)"
        );
        for (var i = 0; i < count; i++)
        {
            var (template, wakeAt) = row(i);
            await import.StartRowAsync();
            await import.WriteAsync(BenchDatabase.TenantId, NpgsqlDbType.Text);
            await import.WriteAsync($"T-{i:D7}", NpgsqlDbType.Text);
            await import.WriteAsync(template.Sla.Policy.Ref.Id, NpgsqlDbType.Text);
            await import.WriteAsync(template.Sla.Policy.Ref.Version, NpgsqlDbType.Integer);
            await import.WriteAsync(template.Snapshot, NpgsqlDbType.Jsonb);
            await import.WriteAsync(template.Sla.Priority, NpgsqlDbType.Text);
            await WriteAsync(import, SlaRow.Outcome(template.Response));
            await WriteAsync(import, template.Response?.DueAt);
            await WriteAsync(import, SlaRow.Outcome(template.Resolution));
            await WriteAsync(import, template.Resolution?.DueAt);
            await import.WriteAsync(template.Resolution?.Cycle ?? 1, NpgsqlDbType.Integer);
            await import.WriteAsync(template.Breached, NpgsqlDbType.Boolean);
            await import.WriteAsync(wakeAt, NpgsqlDbType.TimestampTz);
            await import.WriteAsync(SlaBackend.Polling.Name(), NpgsqlDbType.Text);
            await import.WriteAsync(1L, NpgsqlDbType.Bigint);
            await import.WriteAsync(template.Sla.Created.At, NpgsqlDbType.TimestampTz);
            await import.WriteAsync(template.AsOf, NpgsqlDbType.TimestampTz);
        }

        await import.CompleteAsync();
    }

    private static Task WriteAsync(Npgsql.NpgsqlBinaryImporter import, string? value) =>
        value is null ? import.WriteNullAsync() : import.WriteAsync(value, NpgsqlDbType.Text);

    private static Task WriteAsync(Npgsql.NpgsqlBinaryImporter import, Instant? value) =>
        value is { } instant ? import.WriteAsync(instant, NpgsqlDbType.TimestampTz) : import.WriteNullAsync();
}
