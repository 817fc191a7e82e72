using System.Collections.Immutable;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Service;

namespace SlaFunctions.Postgres.Outbox;

/// <summary>The outbox's dead deliveries: listed oldest first, and made pending again (audited) on request.</summary>
public sealed class DeadDeliveryStore(NpgsqlDataSource dataSource, IClock clock) : IDeadDeliveries
{
    public async Task<ImmutableArray<DeadDelivery>> ListAsync(
        string tenantId,
        DeadDeliveryCursor? after,
        int limit,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var query = Sql.Command(
            connection,
            """
            select notification_id, sink, payload->>'ticketId', attempts, last_error, dead_at, payload::text from outbox
            where tenant_id = $1 and state = 'dead'
              and ($2::timestamptz is null or (dead_at, notification_id, sink) > ($2, $3, $4))
            order by dead_at, notification_id, sink
            limit $5
            """,
            tenantId,
            after?.DeadAt,
            after?.NotificationId,
            after?.Sink,
            limit
        );
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        var items = ImmutableArray.CreateBuilder<DeadDelivery>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(
                new DeadDelivery(
                    reader.GetGuid(0),
                    reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.GetInt32(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.GetFieldValue<Instant>(5),
                    reader.GetString(6)
                )
            );
        }

        return items.ToImmutable();
    }

    public async Task<int> RedeliverAsync(
        string tenantId,
        IReadOnlyCollection<Guid>? notificationIds,
        string? sink,
        CancellationToken cancellationToken = default
    )
    {
        var now = clock.GetCurrentInstant();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var redeliver = Sql.Command(
            connection,
            """
            with again as (
                update outbox set state = 'pending', attempts = 0, next_attempt_at = $4, dead_at = null
                where tenant_id = $1 and state = 'dead' and ($2::uuid[] is null or notification_id = any($2)) and ($3::text is null or sink = $3)
                returning notification_id, sink, payload->>'ticketId' as ticket_id)
            insert into audit_log (tenant_id, ticket_id, at, action, detail)
            select $1, ticket_id, $4, 'notification_redelivered', jsonb_build_object('notificationId', notification_id::text, 'sink', sink)
            from again
            """,
            tenantId,
            notificationIds?.ToArray(),
            sink,
            now
        );
        return await redeliver.ExecuteNonQueryAsync(cancellationToken);
    }
}
