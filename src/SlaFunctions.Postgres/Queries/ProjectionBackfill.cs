using NodaTime;
using Npgsql;
using SlaFunctions.Postgres.Definitions;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.Postgres.Queries;

/// <summary>
/// Fills the projections of rows stored before migration 0007 (<c>projected = 0</c>) from their snapshots, in
/// batches through the writers' own update, so that each row gets exactly the columns a write would give it.
/// A row written meanwhile moved on to a newer version and is projected already; the update skips it.
/// </summary>
internal static class ProjectionBackfill
{
    private const int BatchSize = 500;

    /// <summary>Returns how many rows it filled.</summary>
    public static async Task<int> RunAsync(
        NpgsqlDataSource dataSource,
        PolicyCache policies,
        Instant now,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(policies);
        var filled = 0;
        while (true)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var rows = new List<StoredSla.Row>();
            await using (
                var select = Sql.Command(
                    connection,
                    $"select {StoredSla.Columns} from ticket_slas where projected = 0 order by tenant_id, ticket_id limit $1",
                    BatchSize
                )
            )
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add(StoredSla.Read(reader));
                }
            }

            if (rows.Count == 0)
            {
                return filled;
            }

            var updates = new List<SlaUpdate>(rows.Count);
            foreach (var row in rows)
            {
                var stored = await row.RestoreAsync(policies, cancellationToken);
                updates.Add(new SlaUpdate(stored.Ticket, stored.Sla, stored.Version));
            }

            await using var batch = new NpgsqlBatch(connection);
            var update = TicketSlaWrites.Update(batch, updates, now);
            await batch.ExecuteNonQueryAsync(cancellationToken);
            filled += update.RecordsAffected;
        }
    }
}
