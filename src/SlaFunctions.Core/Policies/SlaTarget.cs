using System.Collections.Immutable;
using NodaTime;

namespace SlaFunctions.Core.Policies;

/// <summary>
/// The targets of one priority. A phase without a target is not tracked. Escalation levels are
/// numbered by their position: the first percent is level 1.
/// </summary>
public sealed record SlaTarget(
    Duration? Response,
    Duration? Resolution,
    bool Is24x7,
    ImmutableArray<decimal> Escalations
)
{
    public Duration? For(SlaPhase phase) => phase == SlaPhase.Response ? Response : Resolution;
}
