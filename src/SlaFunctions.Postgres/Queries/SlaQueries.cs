using System.Collections.Immutable;
using NodaTime;
using Npgsql;
using SlaFunctions.Core.Service;
using SlaFunctions.Postgres.Definitions;

namespace SlaFunctions.Postgres.Queries;

/// <summary>
/// <see cref="ISlaQueries"/> on the projection columns of <c>ticket_slas</c> (migration 0007): filters, orders
/// and aggregates run in SQL on indexed columns; only the page's own rows are restored, to describe them as
/// of the request. Before its first answer the process fills the projections of rows stored before the
/// migration (<see cref="ProjectionBackfill"/>).
/// </summary>
public sealed partial class SlaQueries(NpgsqlDataSource dataSource, PolicyCache policies) : ISlaQueries
{
    private readonly Lock gate = new();
    private Task? backfill;

    public async Task<SlaSearchPage> SearchAsync(
        string tenantId,
        SlaSearch search,
        Instant now,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(search);
        await BackfillOnceAsync(now, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await SearchAsync(connection, tenantId, search, now, cancellationToken);
    }

    public async Task<ImmutableArray<ComplianceGroup>> ComplianceAsync(
        string tenantId,
        ComplianceQuery query,
        Instant now,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(query);
        await BackfillOnceAsync(now, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ComplianceAsync(connection, tenantId, query, now, cancellationToken);
    }

    /// <summary>
    /// One backfill per process, shared by the requests that arrive while it runs; a failed one is tried again.
    /// </summary>
    private Task BackfillOnceAsync(Instant now, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (backfill is null || backfill.IsFaulted || backfill.IsCanceled)
            {
                backfill = ProjectionBackfill.RunAsync(dataSource, policies, now, CancellationToken.None);
            }

            return backfill.WaitAsync(cancellationToken);
        }
    }
}
