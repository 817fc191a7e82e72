using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Rollouts;

/// <summary>What one open ticket would see at a rollout's instant; <see cref="Skipped"/> says why it would not.</summary>
public sealed record TicketPreview(
    string TicketId,
    string Priority,
    PolicyRef Current,
    RolloutEffect Effect,
    string? Skipped,
    ImmutableArray<PhasePreview> Phases,
    ImmutableArray<FiredNotification> FiresAtChange
)
{
    /// <summary>The states of the ticket's live phases just before the change (what a rollout's state filter reads).</summary>
    public ImmutableArray<PhaseOutcome> StatesBefore { get; init; } = [];
}

/// <summary>
/// A phase that is live at the change: its due instant and state just before it and just after it (null after: the
/// new version does not track it; null before: the new version starts tracking it).
/// </summary>
public sealed record PhasePreview(
    SlaPhase Phase,
    int Cycle,
    Instant? DueBefore,
    Instant? DueAfter,
    PhaseOutcome? StateBefore,
    PhaseOutcome? StateAfter
)
{
    /// <summary>Business time left to the target just before the change (negative once exceeded).</summary>
    public Duration? LeftBefore { get; init; }

    /// <summary>Business time left to the target just after the change.</summary>
    public Duration? LeftAfter { get; init; }
}

/// <summary>What a rollout does to a ticket, each ticket counted once, in this order of precedence.</summary>
public enum RolloutEffect
{
    Skipped,
    NewlyBreached,
    DueEarlier,
    DueLater,
    Unchanged,
}
