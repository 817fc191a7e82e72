using System.Collections.Immutable;
using NodaTime;
using Npgsql;

namespace SlaFunctions.Postgres.Durable;

/// <summary>
/// The outbox rows of notifications an orchestration just stored: the publish activity sends them at once and
/// marks them delivered; whatever it does not get to, the dispatcher sends after the grace.
/// </summary>
public sealed class DurableOutbox(NpgsqlDataSource dataSource, IClock clock)
{
    /// <summary>The payloads (exactly as stored) of those notifications still pending for the sink.</summary>
    public async Task<ImmutableArray<(Guid NotificationId, string Payload)>> PendingAsync(
        IEnumerable<Guid> notificationIds,
        string sink,
        CancellationToken cancellationToken = default
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = Sql.Command(
            connection,
            """
            select notification_id, payload::text from outbox
            where notification_id = any($1) and sink = $2 and state = 'pending'
            order by payload->>'firedAt', notification_id
            """,
            notificationIds.ToArray(),
            sink
        );
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var pending = ImmutableArray.CreateBuilder<(Guid, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pending.Add((reader.GetGuid(0), reader.GetString(1)));
        }

        return pending.ToImmutable();
    }

    public async Task<int> MarkDeliveredAsync(
        IEnumerable<Guid> notificationIds,
        string sink,
        CancellationToken cancellationToken = default
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await Sql.ExecuteAsync(
            connection,
            """
            update outbox set state = 'delivered', delivered_at = $3, last_error = null
            where notification_id = any($1) and sink = $2 and state = 'pending'
            """,
            cancellationToken,
            notificationIds.ToArray(),
            sink,
            clock.GetCurrentInstant()
        );
    }
}
