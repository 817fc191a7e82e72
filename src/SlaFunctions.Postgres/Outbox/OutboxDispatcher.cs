using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Diagnostics;

namespace SlaFunctions.Postgres.Outbox;

/// <summary>
/// Publishes the outbox at least once to each sink. Deliveries are claimed with a lease and published
/// outside any transaction; success marks them delivered, failure schedules a retry with exponential
/// backoff, and after the last attempt the delivery is dead and the audit log says so.
/// </summary>
public sealed class OutboxDispatcher(
    NpgsqlDataSource dataSource, IEnumerable<INotificationSink> sinks, IClock clock, DispatchOptions options, ILogger<OutboxDispatcher> logger)
{
    private readonly Dictionary<string, INotificationSink> sinksByName = sinks.ToDictionary(s => s.Name, StringComparer.Ordinal);

    /// <summary>Publishes one batch of due deliveries; returns how many were attempted.</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken cancellationToken = default)
    {
        var claimed = await ClaimAsync(cancellationToken);
        await Task.WhenAll(claimed.Select(d => DeliverAsync(d, cancellationToken)));
        return claimed.Count;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (await DispatchOnceAsync(cancellationToken) < options.BatchSize)
                {
                    await Task.Delay(options.IdleSleep.ToTimeSpan(), cancellationToken);
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                logger.LogError(e, "Dispatching notifications failed; retrying");
                await Task.Delay(options.IdleSleep.ToTimeSpan(), cancellationToken);
            }
        }
    }

    private async Task<List<Delivery>> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var claim = Sql.Command(connection, """
            update outbox o set attempts = o.attempts + 1, next_attempt_at = $2
            from (select notification_id, sink from outbox
                  where state = 'pending' and next_attempt_at <= $1 and sink = any($4)
                  order by next_attempt_at limit $3 for update skip locked) due
            where o.notification_id = due.notification_id and o.sink = due.sink
            returning o.notification_id, o.sink, o.tenant_id, o.payload::text, o.attempts
            """, now, now + options.Lease, options.BatchSize, sinksByName.Keys.ToArray());
        await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
        var claimed = new List<Delivery>();
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new Delivery(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4)));
        }

        return claimed;
    }

    private async Task DeliverAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        string? error = null;
        try
        {
            await sinksByName[delivery.Sink].PublishAsync(delivery.Payload, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            error = e.Message;
            logger.LogWarning("Publishing notification {NotificationId} to {Sink} failed (attempt {Attempt}): {Error}",
                delivery.NotificationId, delivery.Sink, delivery.Attempts, e.Message);
        }

        var now = clock.GetCurrentInstant();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (error is null)
        {
            SlaTelemetry.NotificationsPublished.Add(1, new KeyValuePair<string, object?>("sink", delivery.Sink));
            await Sql.ExecuteAsync(connection,
                "update outbox set state = 'delivered', delivered_at = $3, last_error = null where notification_id = $1 and sink = $2",
                cancellationToken, delivery.NotificationId, delivery.Sink, now);
        }
        else if (delivery.Attempts >= options.MaxAttempts)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await Sql.ExecuteAsync(connection,
                "update outbox set state = 'dead', last_error = $3 where notification_id = $1 and sink = $2",
                cancellationToken, delivery.NotificationId, delivery.Sink, error);
            await Sql.ExecuteAsync(connection, """
                insert into audit_log (tenant_id, ticket_id, at, action, detail)
                select $1, payload->>'ticketId', $2, 'notification_dead', jsonb_build_object('notificationId', $3::text, 'sink', $4::text, 'attempts', $5::int, 'error', $6::text)
                from outbox where notification_id = $3 and sink = $4
                """, cancellationToken, delivery.TenantId, now, delivery.NotificationId, delivery.Sink, delivery.Attempts, error);
            await transaction.CommitAsync(cancellationToken);
            logger.LogError("Notification {NotificationId} to {Sink} is dead after {Attempts} attempts: {Error}",
                delivery.NotificationId, delivery.Sink, delivery.Attempts, error);
        }
        else
        {
            await Sql.ExecuteAsync(connection,
                "update outbox set next_attempt_at = $3, last_error = $4 where notification_id = $1 and sink = $2",
                cancellationToken, delivery.NotificationId, delivery.Sink, now + options.BackoffAfter(delivery.Attempts), error);
        }
    }

    private sealed record Delivery(Guid NotificationId, string Sink, string TenantId, string Payload, int Attempts);
}
