using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Policies;

namespace SlaFunctions.Core.Tracking;

/// <summary>Where a ticket's SLA stands at an instant.</summary>
public sealed record SlaStatus(
    Instant AsOf,
    string Priority,
    ImmutableArray<PhaseStatus> Phases,
    ImmutableArray<PauseRecord> Pauses,
    ImmutableArray<FiredNotification> Notifications
);

/// <summary>
/// One phase cycle. <see cref="DueAt"/> is null only while a phase that has not breached is paused;
/// a cancelled phase has no <see cref="CompletedAt"/>.
/// </summary>
public sealed record PhaseStatus(
    SlaPhase Phase,
    int Cycle,
    Duration Target,
    Instant StartedAt,
    Instant? DueAt,
    Instant? CompletedAt,
    PhaseOutcome Outcome,
    Duration Elapsed,
    Duration Paused
);
