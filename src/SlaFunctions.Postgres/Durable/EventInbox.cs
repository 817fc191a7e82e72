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
        await Sql.ExecuteAsync(connection,
            "insert into processed_events (tenant_id, event_id, processed_at, content_digest) values ($1, $2, $3, $4) on conflict do nothing",
            cancellationToken, envelope.TenantId, envelope.EventId, clock.GetCurrentInstant(), envelope.ContentDigest());
    }
}
