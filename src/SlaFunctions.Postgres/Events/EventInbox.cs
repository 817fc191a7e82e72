using NodaTime;
using Npgsql;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Ingestion;

namespace SlaFunctions.Postgres.Events;

/// <summary>
/// Domain event ids already used (table <c>processed_events</c>) with the digest of the content each was used
/// with, for both backends' ingestion: a redelivered message is recognised before it is routed again, and an id
/// reused for different content is told from a retry.
/// </summary>
public sealed class EventInbox(NpgsqlDataSource dataSource, IClock clock) : IEventInbox
{
    public async Task<(bool Processed, bool IsRetry)> LookUpAsync(
        EventEnvelope envelope,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(envelope);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = Sql.Command(
            connection,
            "select content_digest from processed_events where tenant_id = $1 and event_id = $2",
            envelope.TenantId,
            envelope.EventId
        );
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
        Record(
            batch,
            envelope.TenantId,
            new Dictionary<string, string?> { [envelope.EventId] = envelope.ContentDigest() },
            clock.GetCurrentInstant()
        );
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The ids of a batch already processed, with the digest of their content (null from before digests).
    /// </summary>
    public async Task<Dictionary<(string TenantId, string EventId), string?>> ProcessedAsync(
        IReadOnlyList<EventEnvelope> envelopes,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(envelopes);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = Sql.Command(
            connection,
            """
            select p.tenant_id, p.event_id, p.content_digest from processed_events p
            join unnest($1::text[], $2::text[]) as e(tenant_id, event_id) using (tenant_id, event_id)
            """,
            envelopes.Select(e => e.TenantId).ToArray(),
            envelopes.Select(e => e.EventId).ToArray()
        );
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var processed = new Dictionary<(string, string), string?>();
        while (await reader.ReadAsync(cancellationToken))
        {
            processed[(reader.GetString(0), reader.GetString(1))] = reader.IsDBNull(2) ? null : reader.GetString(2);
        }

        return processed;
    }

    /// <summary>
    /// Appends the inbox rows of events (id → digest of the content it was processed with) to a batch, so that they
    /// commit in the same transaction as what the events changed: an event is never acknowledged by its effects
    /// without its inbox row, or the reverse.
    /// </summary>
    internal static void Record(
        NpgsqlBatch batch,
        string tenantId,
        IReadOnlyDictionary<string, string?> events,
        Instant now
    )
    {
        if (events.Count > 0)
        {
            batch.BatchCommands.Add(
                Sql.BatchCommand(
                    """
                    insert into processed_events (tenant_id, event_id, processed_at, content_digest)
                    select $1, event_id, $3, content_digest from unnest($2::text[], $4::text[]) as e(event_id, content_digest)
                    on conflict do nothing
                    """,
                    tenantId,
                    events.Keys.ToArray(),
                    now,
                    events.Values.ToArray()
                )
            );
        }
    }
}
