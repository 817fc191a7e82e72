using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Simulation;

/// <summary>A policy and one ticket's events: what would happen (SPEC §3).</summary>
public sealed record Scenario(SlaPolicy Policy, ImmutableArray<TicketEvent> Events, Instant? Until)
{
    /// <summary>The instant the result describes: <see cref="Until"/>, or the last event.</summary>
    public Instant AsOf => Until ?? Events[^1].At;
}
