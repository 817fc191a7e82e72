using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Policies;

namespace SlaFunctions.Core.Tracking;

/// <summary>
/// A ticket's history before an instant, folded: what the events before <see cref="At"/> left that can still
/// matter from then on (docs/decisions/0007). A compacted snapshot keeps this and only the events from
/// <see cref="At"/> on; folding them from here gives every answer the whole history gives at or after it.
/// </summary>
public sealed record SlaCheckpoint(
    Instant At,
    TicketCreated Created,
    string Priority,
    string? Status,
    bool IsResolved,
    bool IsCancelled,
    ImmutableArray<string> ExplicitReasons,
    ImmutableArray<PauseRecord> Pauses,
    int OmittedPauses,
    int CompactedEvents,
    ImmutableArray<PhaseCheckpoint> Phases
);

/// <summary>
/// One phase cycle at the checkpoint: the running and paused time counted before it, the instants at which
/// the amounts the policy can still ask about were reached before it, what its closed target segments fixed,
/// and the segment and span still open. A stopped phase keeps its final answers instead.
/// </summary>
public sealed record PhaseCheckpoint(
    SlaPhase Phase,
    int Cycle,
    Instant StartedAt,
    Instant? CompletedAt,
    Instant? CancelledAt,
    bool StoppedUntracked,
    Duration Running,
    Duration Paused,
    Duration? LastTarget,
    bool? LastClockIs24x7,
    Instant? FixedDue,
    Instant? StoppedDue,
    ImmutableArray<ReachedAmount> Reached,
    ImmutableArray<CompactedNotification> Scheduled,
    OpenSegment? Segment
);

public sealed record ReachedAmount(Duration Amount, Instant At);

/// <summary>A notification a closed target segment scheduled (fired or not, it no longer moves).</summary>
public sealed record CompactedNotification(
    NotificationSlot Slot,
    decimal Percent,
    int? Level,
    Instant DueAt,
    Instant FireAt
);

/// <summary>
/// The target segment in force at the checkpoint (of <see cref="Priority"/>), and whether its clock ran then.
/// </summary>
public sealed record OpenSegment(Instant From, string Priority, bool Running);
