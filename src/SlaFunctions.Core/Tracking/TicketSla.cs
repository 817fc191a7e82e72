using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Core.Tracking;

/// <summary>
/// The SLA of one ticket: its history of events under a policy, and the notifications fired so far.
/// Everything else (phases, due instants, what fires when) is derived from the history, so an event that
/// arrives late lands in its place and the outcome is the same as if it had arrived on time. What has fired
/// stays fired: a notification the corrected history no longer supports is retracted, and its slot may fire
/// again at its corrected instant, but no slot has two standing notifications (SPEC §2 "Late events").
/// </summary>
public sealed class TicketSla
{
    private readonly SlaTimeline timeline;
    private readonly HashSet<NotificationSlot> standingSlots;
    private ImmutableArray<FiredNotification>? untrue;

    private TicketSla(
        SlaPolicy policy,
        ImmutableArray<TicketEvent> events,
        ImmutableArray<FiredNotification> fired,
        SlaTimeline? timeline = null,
        SlaCheckpoint? checkpoint = null
    )
    {
        Policy = policy;
        Events = events;
        Fired = fired;
        Checkpoint = checkpoint;
        this.timeline = timeline ?? Fold(policy, checkpoint, events);
        standingSlots = [.. Standing(fired).Select(f => f.Slot)];
    }

    /// <summary>
    /// The history before <see cref="SlaCheckpoint.At"/>, folded (docs/decisions/0007); null when nothing is compacted.
    /// </summary>
    public SlaCheckpoint? Checkpoint { get; }

    /// <summary>The instant of the last event, or of the checkpoint when no event came after it.</summary>
    private Instant LastAt => Events.IsEmpty ? Checkpoint!.At : Events[^1].At;

    public SlaPolicy Policy { get; }

    /// <summary>The ticket's history, ordered by instant (events at the same instant in arrival order).</summary>
    public ImmutableArray<TicketEvent> Events { get; }

    public ImmutableArray<FiredNotification> Fired { get; }

    public TicketCreated Created => Checkpoint?.Created ?? (TicketCreated)Events[0];

    public string Priority => timeline.Priority;

    /// <summary>
    /// When the next notification falls due (possibly already past), or null when none is pending; a retraction
    /// is due at once, so this is then the instant its notification fired.
    /// </summary>
    public Instant? NextWakeAt =>
        Untrue.IsEmpty ? Pending().Select(n => (Instant?)n.FireAt).FirstOrDefault() : Untrue.Min(f => f.FiredAt);

    /// <summary>
    /// Cancelled, or resolved, with nothing left to fire or retract: only a reopen can bring it back.
    /// </summary>
    public bool HasEnded => (timeline.IsCancelled || timeline.IsResolved) && NextWakeAt is null;

    /// <summary>
    /// The latest instant the service has acted on for this ticket: its last event (or checkpoint) or the latest
    /// instant a notification fired for. An event dated before it is late (SPEC §2 "Late events").
    /// </summary>
    public Instant ActedUntil => Fired.IsEmpty ? LastAt : Instant.Max(LastAt, Fired.Max(f => f.DueAt));

    /// <summary>
    /// The fired notifications that stand: neither retractions nor retracted. At most one per slot.
    /// </summary>
    public static IEnumerable<FiredNotification> Standing(IEnumerable<FiredNotification> fired)
    {
        ArgumentNullException.ThrowIfNull(fired);
        var all = fired.ToList();
        var retractions = all.Where(f => f.IsRetraction).Select(f => (f.Slot, f.Revision)).ToHashSet();
        return all.Where(f => !f.IsRetraction && !retractions.Contains((f.Slot, f.Revision)));
    }

    public static TicketSla Start(SlaPolicy policy, TicketCreated created)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(created);
        RequireTargets(policy, created.Priority);
        return new TicketSla(policy, [created], []);
    }

    /// <summary>Rebuilds the SLA from its snapshot; the policy must be the version the snapshot names.</summary>
    public static TicketSla Restore(SlaPolicy policy, SlaSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(snapshot);
        if (policy.Ref != snapshot.Policy)
        {
            throw new ArgumentException(
                $"The snapshot is bound to policy {snapshot.Policy}, not {policy.Ref}.",
                nameof(policy)
            );
        }

        var events = snapshot.Events.IsDefault ? [] : snapshot.Events;
        var (first, rest) = snapshot.Checkpoint is { } checkpoint
            ? (events.IsEmpty || events[0].At >= checkpoint.At, events)
            : (!events.IsEmpty && events[0] is TicketCreated, events.IsEmpty ? events : events[1..]);
        if (
            !first
            || rest.Any(e => e is TicketCreated)
            || events.Zip(events.Skip(1)).Any(pair => pair.Second.At < pair.First.At)
        )
        {
            throw new ArgumentException(
                "A snapshot's events start with the creation (or at its checkpoint) and are ordered by instant.",
                nameof(snapshot)
            );
        }

        return new TicketSla(
            policy,
            events,
            snapshot.Fired.IsDefault ? [] : snapshot.Fired,
            checkpoint: snapshot.Checkpoint
        );
    }

    public SlaSnapshot ToSnapshot() => new(Policy.Ref, Events, Fired, Checkpoint);

    /// <summary>
    /// Folds the history before an instant into a checkpoint (docs/decisions/0007): the instant taken is the
    /// horizon, or earlier where a notification before it has not fired yet, so that everything before it is
    /// settled. Every answer at or after that instant stays the same; an event dated before it is refused from
    /// then on. Returns this SLA unchanged when fewer than <paramref name="minEvents"/> events would be folded.
    /// </summary>
    public TicketSla Compact(Instant horizon, int minEvents = 1)
    {
        var at = NextWakeAt is { } wake && wake < horizon ? wake : horizon;
        // A checkpoint is folded under the start's version: a definition change stays in the history, and so does
        // all that follows it.
        if (Events.OfType<TicketDefinitionsChanged>().FirstOrDefault() is { } change && change.At < at)
        {
            at = change.At;
        }

        var folded = Events.TakeWhile(e => e.At < at).ToList();
        var count = folded.Count - (Checkpoint is null ? 1 : 0);
        if (count < Math.Max(1, minEvents) || at <= Created.At || (Checkpoint is { } current && at < current.At))
        {
            return this;
        }

        var checkpoint = Fold(Policy, Checkpoint, folded)
            .Checkpoint(at, Created, (Checkpoint?.CompactedEvents ?? 0) + count);
        return new TicketSla(Policy, Events[folded.Count..], Fired, checkpoint: checkpoint);
    }

    private static SlaTimeline Fold(SlaPolicy policy, SlaCheckpoint? checkpoint, IReadOnlyList<TicketEvent> events) =>
        checkpoint is null ? SlaTimeline.Build(policy, events) : SlaTimeline.Build(policy, checkpoint, events);

    /// <summary>
    /// Adds an event to the history at its instant. An event whose id is already in the history is a
    /// duplicate and is not added again. An event received under a late-event tolerance (<paramref
    /// name="receipt"/>) that is dated before <see cref="ActedUntil"/> and older than the tolerance is refused (<see
    /// cref="InvalidInputException.IsTooLate"/>); without one (a simulation, an import) the event is not judged late.
    /// What the event makes untrue among the fired notifications is retracted by the next firing.
    /// </summary>
    public EventResult Apply(TicketEvent e, Receipt? receipt = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Id is not null && Events.FirstOrDefault(x => x.Id == e.Id) is { } same)
        {
            return same.Digest is null || e.Digest is null || same.Digest == e.Digest
                ? new EventResult(this, EventEffect.Duplicate, "an event with this id was already applied")
                : throw InvalidInputException.Conflict(
                    "id",
                    $"'{Json.JsonInput.Truncate(e.Id)}' was already used for a different command or event"
                );
        }

        if (e is TicketCreated)
        {
            return new EventResult(this, EventEffect.Ignored, "the SLA has already started");
        }

        if (e.At < Created.At)
        {
            throw new InvalidInputException("at", $"is before the ticket was created ({Created.At})");
        }

        if (receipt is { } received && e.At < ActedUntil && e.At < received.At - received.LateTolerance)
        {
            throw InvalidInputException.TooLate(
                "at",
                $"is {IsoText.Format(received.At - e.At)} before the event was received, more than the late-event tolerance of {IsoText.Format(received.LateTolerance)}, and before {IsoText.Format(ActedUntil)}, up to which this ticket's SLA has already acted"
            );
        }

        if (Checkpoint is { } checkpoint && e.At < checkpoint.At)
        {
            throw new InvalidInputException(
                "at",
                $"is before {checkpoint.At}, up to which this ticket's history is settled and compacted"
            );
        }

        if (e is TicketPriorityChanged change)
        {
            RequireTargets(PolicyAt(e.At), change.Priority);
        }

        var position = Events.Length;
        while (position > 0 && Events[position - 1].At > e.At)
        {
            position--;
        }

        // Kept even when it changes nothing where it stands: a resume that overtook its pause takes
        // effect once the pause arrives and lands before it.
        var next = new TicketSla(
            Policy,
            Events.Insert(position, e),
            Fired,
            position == Events.Length ? timeline.Extend(e) : null,
            Checkpoint
        );
        return next.timeline.IgnoredReason(e) is { } reason
            ? new EventResult(next, EventEffect.Ignored, reason)
            : new EventResult(next, EventEffect.Applied, null);
    }

    /// <summary>
    /// Fires every pending notification due at or before <paramref name="now"/>, in order, stamped with <paramref
    /// name="now"/>.
    /// </summary>
    public FiringResult FireDue(Instant now) => Fire(n => n.FireAt <= now, now);

    /// <summary>
    /// Fires what fell due strictly before <paramref name="now"/>, stamped with <paramref name="now"/>: what a
    /// command does after applying an event at <paramref name="now"/>, because more events at that instant may
    /// follow and events at an instant apply before thresholds at it. The engine fires the instant itself.
    /// </summary>
    public FiringResult FireDueBefore(Instant now) => Fire(n => n.FireAt < now, now);

    /// <summary>
    /// Retracts at once what the history no longer supports, then fires what is due, each slot in the revision
    /// after its retractions.
    /// </summary>
    private FiringResult Fire(Func<ScheduledNotification, bool> isDue, Instant now)
    {
        var retracted = Untrue.Select(f => f.RetractedAt(now)).ToImmutableArray();
        var sla = retracted.IsEmpty
            ? this
            : new TicketSla(Policy, Events, Fired.AddRange(retracted), timeline, Checkpoint);
        var due = sla.Pending()
            .TakeWhile(isDue)
            .Select(n => new FiredNotification(
                n.Slot.Phase,
                n.Slot.Cycle,
                n.Slot.Kind,
                n.Percent,
                n.Level,
                n.DueAt,
                now
            )
            {
                Revision = sla.Fired.Count(f => f.IsRetraction && f.Slot == n.Slot),
            })
            .ToImmutableArray();
        var fired = retracted.AddRange(due);
        return fired.IsEmpty
            ? new FiringResult(this, fired)
            : new FiringResult(new TicketSla(Policy, Events, Fired.AddRange(fired), timeline, Checkpoint), fired);
    }

    /// <summary>
    /// The standing notifications the history no longer supports: their slot is not scheduled, or not for the
    /// instant they were fired for. One emitted before the checkpoint is settled and never untrue.
    /// </summary>
    private ImmutableArray<FiredNotification> Untrue =>
        untrue ??= Fired.IsEmpty
            ? []
            : Unsupported(
                Standing(Fired).Where(f => Checkpoint is not { } checkpoint || f.FiredAt >= checkpoint.At),
                timeline.Schedule.ToDictionary(n => n.Slot)
            );

    private static ImmutableArray<FiredNotification> Unsupported(
        IEnumerable<FiredNotification> standing,
        Dictionary<NotificationSlot, ScheduledNotification> schedule
    ) =>
        [
            .. standing.Where(f =>
                !schedule.TryGetValue(f.Slot, out var scheduled)
                || scheduled.DueAt != f.DueAt
                || scheduled.Percent != f.Percent
                || scheduled.Level != f.Level
            ),
        ];

    /// <summary>
    /// The status as of now, or as of the last event when that is later (an event stamped ahead of the clock).
    /// </summary>
    public SlaStatus StatusNow(Instant now) => StatusAt(now > LastAt ? now : LastAt);

    /// <summary>The phases, pauses and fired notifications as of an instant; events after it are left out.</summary>
    public SlaStatus StatusAt(Instant asOf)
    {
        if (Checkpoint is { } checkpoint && asOf < checkpoint.At)
        {
            throw new ArgumentOutOfRangeException(
                nameof(asOf),
                asOf,
                $"The history before {checkpoint.At} is compacted."
            );
        }

        var view = LastAt <= asOf ? timeline : Fold(Policy, Checkpoint, [.. Events.TakeWhile(e => e.At <= asOf)]);
        return new SlaStatus(
            asOf,
            view.Priority,
            [.. view.Phases.Select(p => Describe(p, asOf)).OfType<PhaseStatus>()],
            [.. view.Pauses.Where(p => p.From <= asOf)],
            [.. Fired.Where(f => f.FiredAt <= asOf)]
        );
    }

    private static PhaseStatus? Describe(PhaseTrack phase, Instant asOf)
    {
        if (!phase.HasSegments)
        {
            return null;
        }

        var due = phase.Due();
        if (phase.StoppedUntracked && !(due < phase.StoppedAt))
        {
            return null; // it stopped being tracked before it breached; a later stop does not bring it back (SPEC §2)
        }

        PhaseOutcome outcome;
        if (phase.CompletedAt is { } completed)
        {
            outcome = due is { } d && completed > d ? PhaseOutcome.Breached : PhaseOutcome.Met;
        }
        else if (phase.CancelledAt is { } cancelled)
        {
            outcome = due is { } d && d < cancelled ? PhaseOutcome.Breached : PhaseOutcome.Cancelled;
        }
        else if (due is { } d && d <= asOf)
        {
            outcome = PhaseOutcome.Breached;
        }
        else if (!phase.IsTracked)
        {
            return null; // its priority has no target for it now, and it never breached
        }
        else
        {
            outcome = phase.IsRunning ? PhaseOutcome.Running : PhaseOutcome.Paused;
        }

        return new PhaseStatus(
            phase.Phase,
            phase.Cycle,
            phase.LastTarget,
            phase.StartedAt,
            due,
            phase.CompletedAt,
            outcome,
            phase.ElapsedAt(asOf),
            phase.PausedAt(asOf)
        );
    }

    /// <summary>
    /// The policy version in force at an instant: the last definition change at or before it that took effect, or the
    /// start's.
    /// </summary>
    public SlaPolicy PolicyAt(Instant at) =>
        Events
            .OfType<TicketDefinitionsChanged>()
            .LastOrDefault(d => d.At <= at && timeline.IgnoredReason(d) is null)
            ?.Policy
        ?? Policy;

    private static void RequireTargets(SlaPolicy policy, string priority)
    {
        if (!policy.Targets.ContainsKey(priority))
        {
            throw new InvalidInputException(
                "priority",
                $"'{priority}' is not a priority of policy {policy.Ref.Id} (known: {string.Join(", ", policy.Targets.Keys.Order(StringComparer.Ordinal))})"
            );
        }
    }

    private IEnumerable<ScheduledNotification> Pending() =>
        timeline.Schedule.Where(n => !standingSlots.Contains(n.Slot));
}

public enum EventEffect
{
    Applied,
    Duplicate,
    Ignored,
}

/// <summary>The SLA after an event, and whether the event changed it (with the reason when it did not).</summary>
public sealed record EventResult(TicketSla Sla, EventEffect Effect, string? Reason);

/// <summary>The SLA after firing, and what fired: the retractions first, then the notifications in firing order.</summary>
public sealed record FiringResult(TicketSla Sla, ImmutableArray<FiredNotification> Fired);

/// <summary>When an event was received, and the tenant's late-event tolerance then (SPEC §2 "Late events").</summary>
public readonly record struct Receipt(Instant At, Duration LateTolerance);
