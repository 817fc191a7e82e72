using System.Collections.Immutable;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Postgres.Definitions;
using SlaFunctions.Postgres.Events;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.Postgres.Durable;

/// <summary>
/// The rows of tickets driven by an orchestration: what its persist activity writes, what the hosts read to
/// route a signal or restart an execution, and the reconciler's candidates.
/// </summary>
public sealed class DurableSlaStore(
    NpgsqlDataSource dataSource,
    PolicyCache policies,
    IClock clock,
    DurableStoreOptions options
)
{
    /// <summary>
    /// The persist activity: snapshot, projections and wake-up, the fired notifications (once per slot, with
    /// their outbox rows) and the round's audit entry (once), in one transaction. Activities run at least once
    /// and a late run may arrive after a newer one, so the snapshot only replaces a stored one it covers
    /// (<see cref="SnapshotHistory.Covers"/>); the row's version guards the read against concurrent writers and
    /// a conflict is retried from a fresh read. Returns the notifications newly stored.
    /// </summary>
    public async Task<int> PersistAsync(PersistSlaRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sla = TicketSla.Restore(
            await policies.GetAsync(request.Ticket.TenantId, request.Snapshot.Policy, cancellationToken),
            request.Snapshot
        );
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var (version, stored) =
                await ReadAsync(connection, request.Ticket, cancellationToken)
                ?? throw new SlaNotFoundException(request.Ticket);

            await using var batch = new NpgsqlBatch(connection);
            var guard =
                SnapshotHistory.Covers(request.Snapshot, stored) && !SnapshotHistory.Same(request.Snapshot, stored)
                    ? TicketSlaWrites.Update(batch, request.Ticket, sla, version, request.At)
                    : Guard(batch, request.Ticket, version);
            // The outbox rows wait out the grace: the publish activity sends them first.
            var notifications = TicketSlaWrites.Fired(
                batch,
                request.Ticket,
                request.Fired,
                options.Sinks,
                request.At + options.PublishGrace
            );
            AuditOnce(batch, request);
            var letter = Refused(request);
            if (letter is not null)
            {
                PostgresDeadLetters.Record(batch, letter, request.At);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
            if (guard.RecordsAffected == 1)
            {
                await transaction.CommitAsync(cancellationToken);
                if (letter is not null)
                {
                    PostgresDeadLetters.Counted(letter.Reason);
                }

                return notifications is null ? 0 : notifications.RecordsAffected / options.Sinks.Count;
            }

            await transaction.RollbackAsync(cancellationToken);
            if (attempt >= options.MaxConflicts)
            {
                throw new InvalidOperationException(
                    $"Ticket {request.Ticket} kept changing while its SLA was persisted ({attempt} attempts)."
                );
            }
        }
    }

    /// <summary>
    /// The ticket's row with its SLA, policy definition and tenant settings, or null when it has no SLA.
    /// </summary>
    public async Task<DurableTicket?> LoadAsync(TicketKey ticket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (
            await StoredSla.LoadAsync(connection, policies, ticket, forUpdate: false, cancellationToken)
            is not var (stored, settings)
        )
        {
            return null;
        }

        var definition = await policies.GetDefinitionAsync(ticket.TenantId, stored.Sla.Policy.Ref, cancellationToken);
        return new DurableTicket(ticket, stored.Backend, stored.Version, stored.Sla, definition, settings);
    }

    /// <summary>
    /// Hands a durable ticket to the polling engine (its orchestration could not be started, failed, or was
    /// terminated): the backend is recorded on the row with an audit entry, and polling engines are woken.
    /// Returns false when the row was not durable (any more).
    /// </summary>
    public async Task<bool> MoveToPollingAsync(
        TicketKey ticket,
        string reason,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var now = clock.GetCurrentInstant();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var moved = await Sql.ExecuteAsync(
            connection,
            """
            update ticket_slas set backend = 'polling', version = version + 1, updated_at = $3
            where tenant_id = $1 and ticket_id = $2 and backend = 'durable'
            """,
            cancellationToken,
            ticket.TenantId,
            ticket.TicketId,
            now
        );
        if (moved == 0)
        {
            return false;
        }

        await using (var batch = new NpgsqlBatch(connection))
        {
            TicketSlaWrites.Audit(batch, ticket, now, "moved_to_polling", new { reason });
            TicketSlaWrites.WakeEngines(batch);
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Records on the ticket a command refused as too late before it reached the orchestration.</summary>
    public async Task AuditTooLateAsync(
        TicketKey ticket,
        TicketEvent e,
        InvalidInputException refusal,
        CancellationToken cancellationToken = default
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        TicketSlaWrites.AuditTooLate(batch, ticket, e, refusal.Message, clock.GetCurrentInstant());
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Durable tickets whose wake-up is at or before <paramref name="dueBefore"/>, most overdue first.
    /// </summary>
    public async Task<ImmutableArray<TicketKey>> OverdueAsync(
        Instant dueBefore,
        int limit,
        CancellationToken cancellationToken = default
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = Sql.Command(
            connection,
            """
            select tenant_id, ticket_id from ticket_slas
            where backend = 'durable' and next_wake_at <= $1
            order by next_wake_at limit $2
            """,
            dueBefore,
            limit
        );
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var tickets = ImmutableArray.CreateBuilder<TicketKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tickets.Add(new TicketKey(reader.GetString(0), reader.GetString(1)));
        }

        return tickets.ToImmutable();
    }

    private static async Task<(long Version, SlaSnapshot Snapshot)?> ReadAsync(
        NpgsqlConnection connection,
        TicketKey ticket,
        CancellationToken cancellationToken
    )
    {
        await using var select = Sql.Command(
            connection,
            "select version, snapshot::text from ticket_slas where tenant_id = $1 and ticket_id = $2",
            ticket.TenantId,
            ticket.TicketId
        );
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (reader.GetInt64(0), SlaJson.DeserializeSnapshot(reader.GetString(1)))
            : null;
    }

    /// <summary>
    /// Holds the row and checks its version without changing it: the write happens only if nobody wrote since the read.
    /// </summary>
    private static NpgsqlBatchCommand Guard(NpgsqlBatch batch, TicketKey ticket, long version)
    {
        var command = Sql.BatchCommand(
            "update ticket_slas set version = version where tenant_id = $1 and ticket_id = $2 and version = $3",
            ticket.TenantId,
            ticket.TicketId,
            version
        );
        batch.BatchCommands.Add(command);
        return command;
    }

    /// <summary>
    /// A signal the SLA refused is dead-lettered, as the polling backend's ingestion does with an event its SLA
    /// refuses.
    /// </summary>
    private static DeadLetterRequest? Refused(PersistSlaRequest request) =>
        request.Signal is { Outcome: SignalOutcome.Rejected or SignalOutcome.TooLate } signal
            ? DeadLetterRequest.Refused(
                request.Ticket,
                signal.Event,
                signal.Reason ?? "$: refused",
                signal.Outcome == SignalOutcome.TooLate ? DeadLetterReason.TooLate : DeadLetterReason.InvalidEvent
            )
            : null;

    /// <summary>
    /// A round's audit entry, unless a run of the same activity wrote it already (same instant, same detail).
    /// </summary>
    private static void AuditOnce(NpgsqlBatch batch, PersistSlaRequest request)
    {
        if (request.Signal is { Outcome: SignalOutcome.TooLate } tooLate)
        {
            TicketSlaWrites.AuditTooLate(
                batch,
                request.Ticket,
                tooLate.Event,
                tooLate.Reason ?? "at: too late",
                request.At
            );
            return;
        }

        var (action, detail) = request.Signal switch
        {
            { } signal => (
                SlaJson.TypeName(signal.Event),
                (object)
                    new
                    {
                        @event = signal.Event,
                        outcome = signal.Outcome,
                        reason = signal.Reason,
                        fired = request.Fired.Length,
                        backend = SlaBackend.Durable.Name(),
                    }
            ),
            null => ("fired", request.Fired),
        };
        if (request.Signal is null && request.Fired.IsDefaultOrEmpty)
        {
            return;
        }

        batch.BatchCommands.Add(
            Sql.BatchCommand(
                """
                insert into audit_log (tenant_id, ticket_id, at, action, detail)
                select $1, $2, $3, $4, $5::jsonb
                where not exists (select 1 from audit_log where tenant_id = $1 and ticket_id = $2 and at = $3 and action = $4 and detail = $5::jsonb)
                """,
                request.Ticket.TenantId,
                request.Ticket.TicketId,
                request.At,
                action,
                System.Text.Json.JsonSerializer.Serialize(detail, SlaJson.Options)
            )
        );
    }
}
