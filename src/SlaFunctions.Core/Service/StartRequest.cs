using System.Collections.Immutable;
using NodaTime;

namespace SlaFunctions.Core.Service;

/// <summary>
/// Starts a ticket's SLA. Without a policy id, the policy comes from the ticket's client assignment, then
/// its board's, then the tenant default. Starting an SLA that exists already changes nothing.
/// </summary>
public sealed record StartRequest(
    string Priority,
    string? PolicyId = null,
    Instant? CreatedAt = null,
    string? ClientId = null,
    string? BoardId = null
)
{
    /// <summary>Further keys that domain events about this ticket may carry (SPEC §5).</summary>
    public ImmutableArray<string> CorrelationKeys { get; init; } = [];

    /// <summary>The caller's idempotency key or the domain event's id.</summary>
    public string? Id { get; init; }
}
