using System.Collections.Immutable;
using NodaTime;

namespace SlaFunctions.Core.Service;

/// <summary>
/// Questions over many tickets of a tenant, answered from stored projections: what depends on
/// <c>now</c> (a running phase past its due instant is breached) is judged at the request's instant.
/// </summary>
public interface ISlaQueries
{
    /// <summary>One page of the tenant's ticket SLAs matching the search, in its order.</summary>
    Task<SlaSearchPage> SearchAsync(
        string tenantId,
        SlaSearch search,
        Instant now,
        CancellationToken cancellationToken = default
    );

    /// <summary>The compliance figures per group, ordered by the group's values.</summary>
    Task<ImmutableArray<ComplianceGroup>> ComplianceAsync(
        string tenantId,
        ComplianceQuery query,
        Instant now,
        CancellationToken cancellationToken = default
    );
}
