using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Diagnostics;

namespace SlaFunctions.Postgres.Outbox;

/// <summary>
/// Publishes the outbox at least once to each sink. Each sink is a lane of its own: it claims its deliveries with a
/// lease, publishes them outside any transaction, each within <see cref="DispatchOptions.DeliveryTimeout"/>, and
/// records the outcomes of the whole batch in one round trip. A slow or down receiver therefore holds up only its
/// own lane. Success marks a delivery delivered, failure schedules a retry with exponential backoff, and after the
/// last attempt the delivery is dead: kept, listed by <see cref="DeadDeliveryStore"/>, and noted in the audit log.
/// </summary>
public sealed class OutboxDispatcher(
    NpgsqlDataSource dataSource,
    IEnumerable<INotificationSink> sinks,
    IClock clock,
    DispatchOptions options,
    ILogger<OutboxDispatcher> logger
)
{
    private readonly INotificationSink[] sinks = [.. sinks];

    /// <summary>
    /// Publishes one batch of due deliveries of every sink, the sinks side by side; returns how many were attempted.
    /// </summary>
    public async Task<int> DispatchOnceAsync(CancellationToken cancellationToken = default) =>
        (await Task.WhenAll(sinks.Select(s => DispatchOnceAsync(s, cancellationToken)))).Sum();

    /// <summary>
    /// Runs every sink's lane until cancelled, each through database outages (<see cref="ResilientLoop"/>).
    /// </summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(
            sinks.Select(sink =>
            {
                var loop = new ResilientLoop($"The outbox dispatcher for {sink.Name}", dataSource, logger);
                return loop.RunAsync(
                    async ct =>
                    {
                        var attempted = await DispatchOnceAsync(sink, ct);
                        loop.Succeeded();
                        if (attempted < options.BatchSize)
                        {
                            await Task.Delay(options.IdleSleep.ToTimeSpan(), ct);
                        }
                    },
                    cancellationToken
                );
            })
        );

    private async Task<int> DispatchOnceAsync(INotificationSink sink, CancellationToken cancellationToken)
    {
        var claimed = await ClaimAsync(sink.Name, cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        var outcomes = await Task.WhenAll(claimed.Select(d => PublishAsync(sink, d, cancellationToken)));
        await RecordAsync(sink.Name, outcomes, cancellationToken);
        return claimed.Count;
    }

    private async Task<List<Delivery>> ClaimAsync(string sink, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var claim = Sql.Command(
            connection,
            """
            update outbox o set attempts = o.attempts + 1, next_attempt_at = $2
            from (select notification_id, sink from outbox
                  where state = 'pending' and next_attempt_at <= $1 and sink = $4
                  order by next_attempt_at limit $3 for update skip locked) due
            where o.notification_id = due.notification_id and o.sink = due.sink
            returning o.notification_id, o.payload::text, o.attempts
            """,
            now,
            now + options.Lease,
            options.BatchSize,
            sink
        );
        await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
        var claimed = new List<Delivery>();
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new Delivery(reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2)));
        }

        return claimed;
    }

    private async Task<Outcome> PublishAsync(
        INotificationSink sink,
        Delivery delivery,
        CancellationToken cancellationToken
    )
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.DeliveryTimeout.ToTimeSpan());
        try
        {
            await sink.PublishAsync(delivery.NotificationId, delivery.Payload, timeout.Token);
            return new Outcome(delivery, null);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var error = timeout.IsCancellationRequested
                ? $"no answer within {options.DeliveryTimeout.ToTimeSpan():c}"
                : e.Message;
            logger.LogWarning(
                "Publishing notification {NotificationId} to {Sink} failed (attempt {Attempt}): {Error}",
                delivery.NotificationId,
                sink.Name,
                delivery.Attempts,
                error
            );
            return new Outcome(delivery, error);
        }
    }

    /// <summary>
    /// The batch's outcomes in one round trip and one transaction: delivered, to retry, dead (with its audit row).
    /// </summary>
    private async Task RecordAsync(string sink, Outcome[] outcomes, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var delivered = outcomes.Where(o => o.Error is null).ToArray();
        var retried = outcomes.Where(o => o.Error is not null && o.Delivery.Attempts < options.MaxAttempts).ToArray();
        var dead = outcomes.Where(o => o.Error is not null && o.Delivery.Attempts >= options.MaxAttempts).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        if (delivered.Length > 0)
        {
            batch.BatchCommands.Add(
                Sql.BatchCommand(
                    """
                    update outbox o set state = 'delivered', delivered_at = $3, last_error = null
                    from unnest($2::uuid[]) d(id) where o.notification_id = d.id and o.sink = $1
                    """,
                    sink,
                    Ids(delivered),
                    now
                )
            );
        }

        if (retried.Length > 0)
        {
            batch.BatchCommands.Add(
                Sql.BatchCommand(
                    """
                    update outbox o set next_attempt_at = d.next, last_error = d.error
                    from unnest($2::uuid[], $3::timestamptz[], $4::text[]) d(id, next, error) where o.notification_id = d.id and o.sink = $1
                    """,
                    sink,
                    Ids(retried),
                    retried.Select(o => now + options.BackoffAfter(o.Delivery.Attempts)).ToArray(),
                    Errors(retried)
                )
            );
        }

        if (dead.Length > 0)
        {
            batch.BatchCommands.Add(
                Sql.BatchCommand(
                    """
                    with dead as (
                        update outbox o set state = 'dead', last_error = d.error, dead_at = $3
                        from unnest($2::uuid[], $4::text[]) d(id, error) where o.notification_id = d.id and o.sink = $1
                        returning o.notification_id, o.tenant_id, o.payload, o.attempts, o.last_error)
                    insert into audit_log (tenant_id, ticket_id, at, action, detail)
                    select tenant_id, payload->>'ticketId', $3, 'notification_dead',
                           jsonb_build_object('notificationId', notification_id::text, 'sink', $1::text, 'attempts', attempts, 'error', last_error)
                    from dead
                    """,
                    sink,
                    Ids(dead),
                    now,
                    Errors(dead)
                )
            );
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        SlaTelemetry.NotificationsPublished.Add(delivered.Length, new KeyValuePair<string, object?>("sink", sink));
        foreach (var (delivery, error) in dead)
        {
            logger.LogError(
                "Notification {NotificationId} to {Sink} is dead after {Attempts} attempts: {Error}",
                delivery.NotificationId,
                sink,
                delivery.Attempts,
                error
            );
        }
    }

    private static Guid[] Ids(Outcome[] outcomes) => [.. outcomes.Select(o => o.Delivery.NotificationId)];

    private static string[] Errors(Outcome[] outcomes) => [.. outcomes.Select(o => o.Error!)];

    private sealed record Delivery(Guid NotificationId, string Payload, int Attempts);

    private sealed record Outcome(Delivery Delivery, string? Error);
}
