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
        await using var batch = new NpgsqlBatch(connection);
        Record(batch, tenantId, [eventId], clock.GetCurrentInstant());
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Appends the inbox rows of events to a batch, so that they commit in the same transaction as what the
    /// events changed: an event is never acknowledged by its effects without its inbox row, or the reverse.
    /// </summary>
    internal static void Record(NpgsqlBatch batch, string tenantId, IReadOnlyCollection<string> eventIds, Instant now)
    {
        if (eventIds.Count > 0)
        {
            batch.BatchCommands.Add(Sql.BatchCommand("""
                insert into processed_events (tenant_id, event_id, processed_at)
                select $1, event_id, $3 from unnest($2::text[]) as e(event_id) on conflict do nothing
                """, tenantId, eventIds.ToArray(), now));
        }
    }
}
