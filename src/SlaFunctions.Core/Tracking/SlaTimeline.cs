using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Policies;

namespace SlaFunctions.Core.Tracking;

/// <summary>
/// The ticket's history folded forward, event by event, into phase tracks and the pause ledger. An event
/// that cannot apply where it stands (a second response, resuming a reason that does not hold, anything
/// after cancellation) changes nothing and is recorded with the reason.
/// </summary>
internal sealed class SlaTimeline
{
    private SlaPolicy policy;
    private readonly List<PhaseTrack> phases = [];
    private ImmutableList<PauseRecord> pauses = [];
    private readonly Dictionary<(PauseSource, string), int> openPauses = [];
    private readonly HashSet<string> explicitReasons = new(StringComparer.OrdinalIgnoreCase);
    private ImmutableDictionary<TicketEvent, string> ignored = ImmutableDictionary.Create<TicketEvent, string>(
        ReferenceEqualityComparer.Instance
    );
    private ImmutableArray<ScheduledNotification>? schedule;

    private SlaTimeline(SlaPolicy policy, TicketCreated created)
    {
        this.policy = policy;
        Priority = created.Priority;
        phases.Add(Begin(SlaPhase.Response, 1, created.At));
        phases.Add(Begin(SlaPhase.Resolution, 1, created.At));
    }

    private SlaTimeline(SlaTimeline other)
    {
        policy = other.policy;
        Priority = other.Priority;
        Status = other.Status;
        IsResolved = other.IsResolved;
        IsCancelled = other.IsCancelled;
        OmittedPauses = other.OmittedPauses;
        phases = [.. other.phases.Select(p => p.StoppedAt is null ? p.Clone() : p)]; // a stopped phase no longer changes
        pauses = other.pauses;
        openPauses = new(other.openPauses);
        explicitReasons = new(other.explicitReasons, StringComparer.OrdinalIgnoreCase);
        ignored = other.ignored;
    }

    public string Priority { get; private set; }

    /// <summary>The policy version in force after the last event: the start's, or the last definition change's.</summary>
    public SlaPolicy Policy => policy;

    public string? Status { get; private set; }

    public bool IsResolved { get; private set; }

    public bool IsCancelled { get; private set; }

    public bool IsPaused => explicitReasons.Count > 0 || (Status is { } status && policy.IsPausing(status));

    /// <summary>Response first, then the resolution cycles in order.</summary>
    public IReadOnlyList<PhaseTrack> Phases => phases;

    public IReadOnlyList<PauseRecord> Pauses => pauses;

    /// <summary>Every notification the history implies, ordered as they fire.</summary>
    public ImmutableArray<ScheduledNotification> Schedule =>
        schedule ??= [.. phases.SelectMany(p => p.Schedule()).OrderBy(n => n.Slot.FiringOrder(n.FireAt, n.Percent))];

    private PhaseTrack Response => phases[0];

    private PhaseTrack Resolution => phases[^1];

    /// <summary>Folds events ordered by instant; the first must be the creation.</summary>
    public static SlaTimeline Build(SlaPolicy policy, IReadOnlyList<TicketEvent> events)
    {
        if (events.Count == 0 || events[0] is not TicketCreated created)
        {
            throw new ArgumentException("A ticket's history starts with its creation.", nameof(events));
        }

        var timeline = new SlaTimeline(policy, created);
        foreach (var e in events.Skip(1))
        {
            if (timeline.Apply(e) is { } reason)
            {
                timeline.ignored = timeline.ignored.SetItem(e, reason);
            }
        }

        return timeline;
    }

    /// <summary>Continues from a checkpoint: the state the events before it left, with none of their detail.</summary>
    public static SlaTimeline Build(SlaPolicy policy, SlaCheckpoint checkpoint, IReadOnlyList<TicketEvent> events)
    {
        var timeline = new SlaTimeline(policy, checkpoint);
        foreach (var e in events)
        {
            if (timeline.Apply(e) is { } reason)
            {
                timeline.ignored = timeline.ignored.SetItem(e, reason);
            }
        }

        return timeline;
    }

    private SlaTimeline(SlaPolicy policy, SlaCheckpoint checkpoint)
    {
        this.policy = policy;
        Priority = checkpoint.Priority;
        Status = checkpoint.Status;
        IsResolved = checkpoint.IsResolved;
        IsCancelled = checkpoint.IsCancelled;
        explicitReasons.UnionWith(checkpoint.ExplicitReasons);
        OmittedPauses = checkpoint.OmittedPauses;
        foreach (var pause in checkpoint.Pauses)
        {
            if (pause.To is null)
            {
                openPauses[(pause.Source, pause.Reason.ToUpperInvariant())] = pauses.Count;
            }

            pauses = pauses.Add(pause);
        }

        phases.AddRange(
            checkpoint.Phases.Select(p => new PhaseTrack(
                p,
                checkpoint.At,
                policy.Calendar,
                priority =>
                {
                    var target = policy.TargetOf(priority);
                    return (target.For(p.Phase)!.Value, policy.ClockFor(target), target.Escalations, policy.Thresholds);
                }
            ))
        );
    }

    /// <summary>
    /// The state at <paramref name="at"/>, which is after every event folded so far and before any event still to
    /// come: the open pauses, and each phase as <see cref="PhaseTrack.ToCheckpoint"/> leaves it.
    /// </summary>
    public SlaCheckpoint Checkpoint(Instant at, TicketCreated created, int compactedEvents)
    {
        // The ledger keeps every open pause and the latest closed ones; older closed ones are only counted.
        var closed = pauses.Select((p, i) => (p, i)).Where(x => x.p.To is not null).Select(x => x.i).ToList();
        var dropped = closed.Take(Math.Max(0, closed.Count - KeptPauses)).ToHashSet();
        return new SlaCheckpoint(
            at,
            created,
            Priority,
            Status,
            IsResolved,
            IsCancelled,
            [.. explicitReasons.Order(StringComparer.Ordinal)],
            [.. pauses.Where((_, i) => !dropped.Contains(i))],
            OmittedPauses + dropped.Count,
            compactedEvents,
            [.. phases.Select(p => p.ToCheckpoint(at, AmountsOf(p.Phase), Priority))]
        );
    }

    /// <summary>Closed pauses a checkpoint keeps in the ledger; the status shows these and counts the rest.</summary>
    public const int KeptPauses = 50;

    /// <summary>Closed pauses compacted out of the ledger (counted, no longer listed).</summary>
    public int OmittedPauses { get; }

    /// <summary>
    /// Every amount of business time the policy can ask a phase about: each target, and its thresholds and escalations.
    /// </summary>
    private IEnumerable<Duration> AmountsOf(SlaPhase phase) =>
        policy.Targets.Values.SelectMany(target =>
            target.For(phase) is { } t
                ? policy
                    .Thresholds.Select(h => h.Percent)
                    .Concat(target.Escalations)
                    .Select(p => PhaseTrack.PercentOf(t, p))
                    .Append(t)
                : []
        );

    /// <summary>
    /// This history with an event appended that is at or after every event in it: the same as building the
    /// longer history from the start, without folding the start again.
    /// </summary>
    public SlaTimeline Extend(TicketEvent e)
    {
        var next = new SlaTimeline(this);
        if (next.Apply(e) is { } reason)
        {
            next.ignored = next.ignored.SetItem(e, reason);
        }

        return next;
    }

    /// <summary>Why the event changed nothing, or null when it applied.</summary>
    public string? IgnoredReason(TicketEvent e) => ignored.GetValueOrDefault(e);

    private string? Apply(TicketEvent e) =>
        IsCancelled
            ? "the SLA was cancelled"
            : e switch
            {
                TicketCreated => "the SLA has already started",
                TicketStatusChanged s => ChangeStatus(s.At, s.Status),
                TicketPaused p => Pause(p.At, p.Reason),
                TicketResumed r => Resume(r.At, r.Reason),
                TicketResponded r => Respond(r.At),
                TicketResolved r => Resolve(r.At),
                TicketReopened r => Reopen(r.At),
                TicketPriorityChanged p => ChangePriority(p.At, p.Priority),
                TicketDefinitionsChanged d => ChangeDefinitions(d.At, d.Policy),
                TicketCancelled c => Cancel(c.At),
                _ => throw new ArgumentException($"Unknown event {e.GetType().Name}.", nameof(e)),
            };

    private string? ChangeStatus(Instant at, string status)
    {
        if (string.Equals(Status, status, StringComparison.OrdinalIgnoreCase))
        {
            return "the status is unchanged";
        }

        if (Status is { } previous && policy.IsPausing(previous))
        {
            ClosePause(at, PauseSource.Status, previous);
        }

        Status = status;
        if (policy.IsPausing(status))
        {
            OpenPause(at, PauseSource.Status, status);
        }

        UpdatePaused(at);
        return null;
    }

    private string? Pause(Instant at, string reason)
    {
        if (!explicitReasons.Add(reason))
        {
            return $"the clock is already paused for '{reason}'";
        }

        OpenPause(at, PauseSource.Explicit, reason);
        UpdatePaused(at);
        return null;
    }

    private string? Resume(Instant at, string reason)
    {
        if (!explicitReasons.Remove(reason))
        {
            return $"the clock is not paused for '{reason}'";
        }

        ClosePause(at, PauseSource.Explicit, reason);
        UpdatePaused(at);
        return null;
    }

    private string? Respond(Instant at)
    {
        if (Response.StoppedAt is not null)
        {
            return "the ticket has already had its response";
        }

        Response.Complete(at);
        return null;
    }

    private string? Resolve(Instant at)
    {
        if (IsResolved)
        {
            return "the ticket is already resolved";
        }

        if (Response.StoppedAt is null)
        {
            Response.Complete(at);
        }

        Resolution.Complete(at);
        IsResolved = true;
        return null;
    }

    private string? Reopen(Instant at)
    {
        if (!IsResolved)
        {
            return "the ticket is not resolved";
        }

        IsResolved = false;
        phases.Add(Begin(SlaPhase.Resolution, Resolution.Cycle + 1, at));
        return null;
    }

    private string? ChangePriority(Instant at, string priority)
    {
        if (priority == Priority)
        {
            return "the priority is unchanged";
        }

        Priority = priority;
        foreach (var phase in LivePhases())
        {
            Retarget(phase, at);
        }

        return null;
    }

    /// <summary>
    /// SPEC §2 "Definition change": from <paramref name="at"/> the ticket is tracked under <paramref name="next"/>.
    /// What was counted before stays; each running phase continues on the new version's target, clock, thresholds
    /// and escalations as after a priority change; the current status is judged against the new pausing statuses.
    /// </summary>
    private string? ChangeDefinitions(Instant at, SlaPolicy next)
    {
        if (!next.Targets.ContainsKey(Priority))
        {
            return $"policy {next.Ref} has no target for the ticket's priority '{Priority}'";
        }

        var pausedBefore = Status is { } before && policy.IsPausing(before);
        policy = next;
        var pausedAfter = Status is { } after && policy.IsPausing(after);
        if (pausedBefore && !pausedAfter)
        {
            ClosePause(at, PauseSource.Status, Status!);
        }
        else if (!pausedBefore && pausedAfter)
        {
            OpenPause(at, PauseSource.Status, Status!);
        }

        foreach (var phase in LivePhases())
        {
            Retarget(phase, at);
        }

        return null;
    }

    private string? Cancel(Instant at)
    {
        foreach (var phase in LivePhases())
        {
            phase.Cancel(at);
        }

        IsCancelled = true;
        return null;
    }

    private PhaseTrack Begin(SlaPhase phase, int cycle, Instant at)
    {
        var track = new PhaseTrack(phase, cycle, at);
        Retarget(track, at);
        return track;
    }

    /// <summary>Puts the phase on the current priority's target; without one, the phase stops being tracked.</summary>
    private void Retarget(PhaseTrack phase, Instant at)
    {
        var target = policy.TargetOf(Priority);
        if (target.For(phase.Phase) is { } duration)
        {
            phase.Track(at, duration, policy.ClockFor(target), target.Escalations, policy.Thresholds, IsPaused);
        }
        else
        {
            phase.Untrack(at);
        }
    }

    private IEnumerable<PhaseTrack> LivePhases() => new[] { Response, Resolution }.Where(p => p.StoppedAt is null);

    private void UpdatePaused(Instant at)
    {
        foreach (var phase in LivePhases())
        {
            phase.SetPaused(at, IsPaused);
        }
    }

    private void OpenPause(Instant at, PauseSource source, string reason)
    {
        openPauses[(source, reason.ToUpperInvariant())] = pauses.Count;
        pauses = pauses.Add(new PauseRecord(at, null, reason, source));
    }

    private void ClosePause(Instant at, PauseSource source, string reason)
    {
        if (openPauses.Remove((source, reason.ToUpperInvariant()), out var index))
        {
            pauses = pauses.SetItem(index, pauses[index] with { To = at });
        }
    }
}
