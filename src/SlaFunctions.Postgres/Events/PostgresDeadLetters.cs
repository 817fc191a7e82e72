using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Diagnostics;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Workflow;

namespace SlaFunctions.Postgres.Events;

/// <summary><see cref="IDeadLetters"/> on PostgreSQL: table <c>dead_letters</c>, with an audit entry each.</summary>
public sealed class PostgresDeadLetters(NpgsqlDataSource dataSource, IClock clock, ILogger<PostgresDeadLetters> logger)
    : IDeadLetters
{
    public async Task RecordAsync(DeadLetterRequest letter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(letter);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        Record(batch, letter, clock.GetCurrentInstant());
        await batch.ExecuteNonQueryAsync(cancellationToken);
        Logged(letter.TenantId, letter.EventId, letter.Reason, letter.Description);
    }

    public async Task<ImmutableArray<DeadLetter>> ListAsync(
        string tenantId,
        long? after,
        int limit,
        CancellationToken cancellationToken = default
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = Sql.Command(
            connection,
            """
            select dead_letter_id, event_id, reason, description, payload, at from dead_letters
            where tenant_id = $1 and dead_letter_id > $2 order by dead_letter_id limit $3
            """,
            tenantId,
            after ?? 0L,
            limit
        );
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var letters = ImmutableArray.CreateBuilder<DeadLetter>();
        while (await reader.ReadAsync(cancellationToken))
        {
            letters.Add(
                new DeadLetter(
                    reader.GetInt64(0),
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.GetFieldValue<Instant>(5)
                )
            );
        }

        return letters.ToImmutable();
    }

    /// <summary>
    /// Appends a letter (row, audit entry, and the freeing of its event id unless the id is at fault) to a batch, so
    /// that it commits with what else the batch writes.
    /// </summary>
    internal static void Record(NpgsqlBatch batch, DeadLetterRequest letter, Instant now)
    {
        batch.BatchCommands.Add(
            Sql.BatchCommand(
                """
                insert into dead_letters (tenant_id, event_id, reason, description, payload, at) values ($1, $2, $3, $4, $5, $6)
                on conflict (tenant_id, event_id, reason) where event_id is not null do nothing
                """,
                letter.TenantId,
                letter.EventId,
                letter.Reason,
                letter.Description,
                letter.Payload,
                now
            )
        );
        batch.BatchCommands.Add(
            Sql.BatchCommand(
                """
                insert into audit_log (tenant_id, ticket_id, at, action, detail)
                values ($1, null, $2, 'dead_lettered', jsonb_build_object('eventId', $3::text, 'reason', $4::text, 'description', $5::text))
                """,
                letter.TenantId,
                now,
                letter.EventId,
                letter.Reason,
                letter.Description
            )
        );
        if (letter.EventId is not null && letter.Reason != DeadLetterReason.ReusedEventId)
        {
            batch.BatchCommands.Add(
                Sql.BatchCommand(
                    "delete from processed_events where tenant_id = $1 and event_id = $2",
                    letter.TenantId,
                    letter.EventId
                )
            );
        }
    }

    /// <summary>Counts a committed letter in the <c>sla.dead_letters</c> metric.</summary>
    internal static void Counted(string reason) =>
        SlaTelemetry.DeadLetters.Add(1, new KeyValuePair<string, object?>("reason", reason));

    internal void Logged(string tenantId, string? eventId, string reason, string description)
    {
        Counted(reason);
        logger.LogWarning(
            "Dead-lettered event {EventId} of tenant {TenantId}: {Reason}: {Description}",
            eventId,
            tenantId,
            reason,
            description
        );
    }
}
