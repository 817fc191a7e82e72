using Npgsql;
using NodaTime;
using SlaFunctions.Core.Events;

namespace SlaFunctions.Postgres.Durable;

/// <summary>
/// Domain event ids already handed on (table <c>processed_events</c>) with the digest of the content each was
/// handed on with, for both hosts' ingestion: a redelivered message is recognised before it is routed again,
/// and an id reused for different content is told from a retry.
/// </summary>
public sealed class EventInbox(NpgsqlDataSource dataSource, IClock clock)
{
    /// <summary>Whether the event's id was processed, and if so whether this is a retry of the same content.</summary>
    public async Task<(bool Processed, bool IsRetry)> LookUpAsync(EventEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = Sql.Command(connection,
            "select content_digest from processed_events where tenant_id = $1 and event_id = $2", envelope.TenantId, envelope.EventId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (true, EventIdReuse.IsRetry(reader.IsDBNull(0) ? null : reader.GetString(0), envelope))
            : (false, false);
    }

    public async Task MarkProcessedAsync(EventEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        Record(batch, envelope.TenantId, new Dictionary<string, string?> { [envelope.EventId] = envelope.ContentDigest() }, clock.GetCurrentInstant());
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Appends the inbox rows of events (id → digest of the content it was processed with) to a batch, so that they
    /// commit in the same transaction as what the events changed: an event is never acknowledged by its effects
    /// without its inbox row, or the reverse.
    /// </summary>
    internal static void Record(NpgsqlBatch batch, string tenantId, IReadOnlyDictionary<string, string?> events, Instant now)
    {
        if (events.Count > 0)
        {
            batch.BatchCommands.Add(Sql.BatchCommand("""
                insert into processed_events (tenant_id, event_id, processed_at, content_digest)
                select $1, event_id, $3, content_digest from unnest($2::text[], $4::text[]) as e(event_id, content_digest)
                on conflict do nothing
                """, tenantId, events.Keys.ToArray(), now, events.Values.ToArray()));
        }
    }
}
