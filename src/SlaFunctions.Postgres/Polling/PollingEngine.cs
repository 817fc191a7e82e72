using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Diagnostics;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Postgres.Definitions;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.Postgres.Polling;

/// <summary>
/// Fires what is due on tickets driven by polling. Each poll claims a batch of due rows with
/// <c>FOR UPDATE SKIP LOCKED</c> (so any number of engines share the work without waiting on each other),
/// fires what each is due, and stores everything in the claiming transaction: a notification is stored
/// exactly once even if an engine dies mid-batch, because its transaction then never commits.
/// </summary>
public sealed class PollingEngine(
    NpgsqlDataSource dataSource,
    PolicyCache policies,
    IClock clock,
    SlaStoreOptions store,
    PollingOptions options,
    ILogger<PollingEngine> logger
)
{
    /// <summary>Claims and processes one batch of due rows; returns how many it processed.</summary>
    public async Task<PollResult> PollOnceAsync(CancellationToken cancellationToken = default)
    {
        using var trace = SlaTelemetry.Traces.StartActivity("sla.engine.poll");
        var started = Stopwatch.GetTimestamp();
        var now = clock.GetCurrentInstant();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = new List<StoredSla.Row>();
        await using (
            var claim = Sql.Command(
                connection,
                $"""
                select {StoredSla.Columns} from ticket_slas
                where backend = 'polling' and next_wake_at <= $1
                order by next_wake_at
                limit $2
                for update skip locked
                """,
                now,
                options.BatchSize
            )
        )
        await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(StoredSla.Read(reader));
            }
        }

        if (rows.Count == 0)
        {
            return new PollResult(0, 0, Duration.Zero, null);
        }

        var earliestDue = rows[0].NextWakeAt;
        var updates = new List<SlaUpdate>(rows.Count);
        var fired = new List<(TicketKey, FiredNotification)>();
        var audits = new List<(TicketKey, string, object)>();
        foreach (var row in rows)
        {
            var stored = await row.RestoreAsync(policies, cancellationToken);
            var firing = stored.Sla.FireDue(now);
            updates.Add(new SlaUpdate(row.Ticket, firing.Sla, row.Version));
            fired.AddRange(firing.Fired.Select(n => (row.Ticket, n)));
            if (!firing.Fired.IsEmpty)
            {
                audits.Add((row.Ticket, "fired", firing.Fired));
            }
        }

        await using var batch = new NpgsqlBatch(connection);
        var update = TicketSlaWrites.Update(batch, updates, now);
        TicketSlaWrites.Fired(batch, fired, store.Sinks, now);
        TicketSlaWrites.Audit(batch, audits, now);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        if (update.RecordsAffected != rows.Count)
        {
            // The rows are locked since the claim; only a writer ignoring the lock could have changed them.
            throw new InvalidOperationException(
                $"{rows.Count - update.RecordsAffected} claimed tickets changed while locked."
            );
        }

        await transaction.CommitAsync(cancellationToken);
        var elapsed = Duration.FromTimeSpan(Stopwatch.GetElapsedTime(started));
        SlaTelemetry.WakeupsProcessed.Add(rows.Count);
        SlaTelemetry.NotificationsFired.Add(fired.Count);
        if (earliestDue is { } earliest)
        {
            SlaTelemetry.EngineLag.Record((now - earliest).TotalMilliseconds);
        }

        logger.LogDebug(
            "Processed {Rows} due tickets, fired {Fired} notifications in {Elapsed}",
            rows.Count,
            fired.Count,
            elapsed
        );
        return new PollResult(rows.Count, fired.Count, elapsed, earliestDue is { } due ? now - due : null);
    }

    /// <summary>
    /// Processes everything due now with <see cref="PollingOptions.Parallelism"/> batches in flight (each its
    /// own transaction; SKIP LOCKED keeps them apart), until a poll finds nothing more; returns the totals.
    /// </summary>
    /// <param name="onBatch">Told of each batch that claimed rows, as it completes.</param>
    public async Task<PollResult> DrainAsync(
        Action<PollResult>? onBatch = null,
        CancellationToken cancellationToken = default
    )
    {
        var results = await Task.WhenAll(
            Enumerable
                .Range(0, options.Parallelism)
                .Select(async _ =>
                {
                    var total = new PollResult(0, 0, Duration.Zero, null);
                    PollResult result;
                    do
                    {
                        result = await PollOnceAsync(cancellationToken);
                        total = total.Add(result);
                        if (result.Claimed > 0)
                        {
                            onBatch?.Invoke(result);
                        }
                    } while (result.Claimed == options.BatchSize);

                    return total;
                })
        );
        return results.Aggregate((a, b) => a.Add(b));
    }

    /// <summary>The earliest wake-up of any ticket driven by polling, or null when none is pending.</summary>
    public async Task<Instant?> NextWakeAtAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await Sql.ScalarAsync<Instant?>(
            connection,
            "select min(next_wake_at) from ticket_slas where backend = 'polling' and next_wake_at is not null",
            cancellationToken
        );
    }

    /// <summary>
    /// Polls until cancelled: drains what is due, then sleeps until the earliest wake-up (at most
    /// <see cref="PollingOptions.MaxSleep"/>) or until a command that moved a wake-up earlier sends NOTIFY. Through a
    /// database outage it keeps retrying (<see cref="ResilientLoop"/>), listens again once the database is back,
    /// and then fires at once everything that fell due meanwhile.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        WakeListener? listener = null;
        var loop = new ResilientLoop("The polling engine", dataSource, logger);
        try
        {
            await loop.RunAsync(
                async ct =>
                {
                    try
                    {
                        listener ??= await WakeListener.OpenAsync(dataSource, ct);
                        var drained = await DrainAsync(cancellationToken: ct);
                        var sleep = SleepFor(await NextWakeAtAsync(ct), drained.Claimed);
                        loop.Succeeded();
                        if (sleep > Duration.Zero)
                        {
                            await listener.WaitAsync(sleep, ct);
                        }
                    }
                    catch when (!ct.IsCancellationRequested)
                    {
                        // The listening connection may be the one the database dropped: listen again on a new one.
                        await DisposeQuietlyAsync(listener);
                        listener = null;
                        throw;
                    }
                },
                cancellationToken
            );
        }
        finally
        {
            await DisposeQuietlyAsync(listener);
        }
    }

    private static async Task DisposeQuietlyAsync(WakeListener? listener)
    {
        if (listener is null)
        {
            return;
        }

        try
        {
            await listener.DisposeAsync();
        }
        catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException)
        {
            // Closing a connection the server already dropped: nothing is left to close.
        }
    }

    private Duration SleepFor(Instant? nextWakeAt, int claimed)
    {
        if (nextWakeAt is not { } next)
        {
            return options.MaxSleep;
        }

        var untilDue = next - clock.GetCurrentInstant();
        return untilDue > options.MaxSleep ? options.MaxSleep
            : untilDue > Duration.Zero ? untilDue
            : claimed == 0 ? options.ContendedSleep // due, but held by other engines right now
            : Duration.Zero;
    }
}

/// <param name="Claimed">Due rows claimed and processed.</param>
/// <param name="Fired">Notifications fired.</param>
/// <param name="Elapsed">Time the batch took.</param>
/// <param name="Lag">How late the earliest claimed row was.</param>
public sealed record PollResult(int Claimed, int Fired, Duration Elapsed, Duration? Lag)
{
    public PollResult Add(PollResult other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(
            Claimed + other.Claimed,
            Fired + other.Fired,
            Elapsed + other.Elapsed,
            Lag is { } a && other.Lag is { } b ? (a > b ? a : b) : Lag ?? other.Lag
        );
    }
}
