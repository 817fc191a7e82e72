using Npgsql;
using NodaTime;

namespace SlaFunctions.Postgres.Durable;

/// <summary>
/// Domain event ids already handed on (table <c>processed_events</c>), for both hosts' ingestion:
/// a redelivered message is recognised before it is routed again.
/// </summary>
public sealed class EventInbox(NpgsqlDataSource dataSource, IClock clock)
{
    public async Task<bool> IsProcessedAsync(string tenantId, string eventId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await Sql.ScalarAsync<bool>(connection,
            "select exists (select 1 from processed_events where tenant_id = $1 and event_id = $2)", cancellationToken, tenantId, eventId);
    }

    public async Task MarkProcessedAsync(string tenantId, string eventId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Sql.ExecuteAsync(connection, "insert into processed_events (tenant_id, event_id, processed_at) values ($1, $2, $3) on conflict do nothing",
            cancellationToken, tenantId, eventId, clock.GetCurrentInstant());
    }
}
