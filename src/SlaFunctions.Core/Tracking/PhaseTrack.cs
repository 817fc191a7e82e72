using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Calendars;
using SlaFunctions.Core.Policies;

namespace SlaFunctions.Core.Tracking;

/// <summary>
/// One phase cycle as a sequence of spans: running or paused, each counted on the clock of the target in
/// force. A target segment lasts from one priority change to the next; while a phase has no target it
/// has no open segment and its elapsed time stands still. Built forward by <see cref="SlaTimeline"/>,
/// then queried. Only the last span and the last segment can still change, so the running and paused time
/// before each span and what each closed segment fixed (its notifications, a due instant) are kept as they
/// close: a query costs a calendar walk or two and a binary search, not a walk over the whole history.
/// </summary>
internal sealed class PhaseTrack
{
    // Persistent lists: a copy to build on shares them, so extending a long history does not copy it.
    private ImmutableList<Span> spans;
    private ImmutableList<TargetSegment> segments;

    // runningBefore[i] and pausedBefore[i]: the time spans[0..i) counted, for every i up to the closed spans.
    private ImmutableList<Duration> runningBefore;
    private ImmutableList<Duration> pausedBefore;

    // What the closed segments fixed: their notifications and slots, and the due instant if one of them reached it.
    private ImmutableList<ScheduledNotification> closedSchedule;
    private ImmutableHashSet<NotificationSlot> closedSlots;
    private int scheduledSegments;
    private int dueCheckedSegments;
    private Instant? fixedDue;

    // From a checkpoint: where the amounts up to runningBefore[0] were reached, and what a stopped phase answers.
    private readonly Dictionary<Duration, Instant> reachedBefore = [];
    private readonly Duration? compactedTarget;
    private readonly IBusinessClock? compactedClock;
    private readonly Instant? stoppedDue;

    public PhaseTrack(SlaPhase phase, int cycle, Instant startedAt)
    {
        Phase = phase;
        Cycle = cycle;
        StartedAt = startedAt;
        spans = [];
        segments = [];
        runningBefore = [Duration.Zero];
        pausedBefore = [Duration.Zero];
        closedSchedule = [];
        closedSlots = [];
    }

    private PhaseTrack(PhaseTrack other)
    {
        Phase = other.Phase;
        Cycle = other.Cycle;
        StartedAt = other.StartedAt;
        CompletedAt = other.CompletedAt;
        CancelledAt = other.CancelledAt;
        StoppedUntracked = other.StoppedUntracked;
        spans = other.spans;
        segments = other.segments;
        runningBefore = other.runningBefore;
        pausedBefore = other.pausedBefore;
        closedSchedule = other.closedSchedule;
        closedSlots = other.closedSlots;
        scheduledSegments = other.scheduledSegments;
        dueCheckedSegments = other.dueCheckedSegments;
        fixedDue = other.fixedDue;
        reachedBefore = other.reachedBefore; // never changes after the checkpoint is read
        compactedTarget = other.compactedTarget;
        compactedClock = other.compactedClock;
        stoppedDue = other.stoppedDue;
    }

    /// <summary>
    /// The phase as a checkpoint left it; <paramref name="segment"/> gives the open segment its target and clock.
    /// </summary>
    public PhaseTrack(
        PhaseCheckpoint checkpoint,
        Instant at,
        IBusinessClock calendar,
        Func<
            string,
            (
                Duration Target,
                IBusinessClock Clock,
                ImmutableArray<decimal> Escalations,
                ImmutableArray<Threshold> Thresholds
            )
        > segment
    )
        : this(checkpoint.Phase, checkpoint.Cycle, checkpoint.StartedAt)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(segment);
        compactedClock = checkpoint.LastClockIs24x7 is { } is24x7
            ? (is24x7 ? AlwaysOpenClock.Instance : calendar)
            : null;
        CompletedAt = checkpoint.CompletedAt;
        CancelledAt = checkpoint.CancelledAt;
        StoppedUntracked = checkpoint.StoppedUntracked;
        runningBefore = [checkpoint.Running];
        pausedBefore = [checkpoint.Paused];
        compactedTarget = checkpoint.LastTarget;
        fixedDue = checkpoint.FixedDue;
        stoppedDue = checkpoint.StoppedDue;
        foreach (var reached in checkpoint.Reached)
        {
            reachedBefore[reached.Amount] = reached.At;
        }

        closedSchedule =
        [
            .. checkpoint.Scheduled.Select(n => new ScheduledNotification(
                n.Slot,
                n.Percent,
                n.Level,
                n.DueAt,
                n.FireAt
            )),
        ];
        closedSlots = [.. checkpoint.Scheduled.Select(n => n.Slot)];

        if (checkpoint.Segment is { } open)
        {
            var (target, clock, escalations, thresholds) = segment(open.Priority);
            segments = segments.Add(new TargetSegment(open.From, null, target, clock, escalations, thresholds));
            spans = spans.Add(new Span(at, null, open.Running, clock));
        }
    }

    /// <summary>
    /// This phase as a checkpoint at <paramref name="at"/>, which is after every change it has seen: the open span
    /// is split there, and of the closed segments only what they fixed is kept. <paramref name="amounts"/> are the
    /// amounts of business time the policy can ask about (each target, and each threshold and escalation of it).
    /// </summary>
    public PhaseCheckpoint ToCheckpoint(Instant at, IEnumerable<Duration> amounts, string priority)
    {
        var due = Due();
        Schedule(); // fixes what the closed segments scheduled
        var running = ElapsedAt(at);
        return new PhaseCheckpoint(
            Phase,
            Cycle,
            StartedAt,
            CompletedAt,
            CancelledAt,
            StoppedUntracked,
            running,
            PausedAt(at),
            HasSegments ? LastTarget : null,
            spans.Count > 0 ? spans[^1].Clock is AlwaysOpenClock : null,
            fixedDue,
            StoppedAt is null ? null : due,
            [
                .. amounts
                    .Distinct()
                    .Where(a => a <= running && Reach(a) is not null)
                    .Order()
                    .Select(a => new ReachedAmount(a, Reach(a)!.Value)),
            ],
            [.. closedSchedule.Select(n => new CompactedNotification(n.Slot, n.Percent, n.Level, n.DueAt, n.FireAt))],
            IsTracked ? new OpenSegment(segments[^1].From, priority, spans[^1].Running) : null
        );
    }

    public SlaPhase Phase { get; }

    public int Cycle { get; }

    public Instant StartedAt { get; }

    public Instant? CompletedAt { get; private set; }

    public Instant? CancelledAt { get; private set; }

    public Instant? StoppedAt => CompletedAt ?? CancelledAt;

    /// <summary>
    /// The phase stopped while it had no target: it stays out of sight unless it had already breached.
    /// </summary>
    public bool StoppedUntracked { get; private set; }

    public bool IsTracked => segments.Count > 0 && segments[^1].Until is null;

    /// <summary>The phase ever had a target.</summary>
    public bool HasSegments => segments.Count > 0 || compactedTarget is not null;

    /// <summary>The target of the last segment the phase had.</summary>
    public Duration LastTarget => segments.Count > 0 ? segments[^1].Target : compactedTarget!.Value;

    public bool IsRunning => IsTracked && spans[^1].Running;

    /// <summary>A copy to build on, leaving this one as it is.</summary>
    public PhaseTrack Clone() => new(this);

    public void Track(
        Instant at,
        Duration target,
        IBusinessClock clock,
        ImmutableArray<decimal> escalations,
        ImmutableArray<Threshold> thresholds,
        bool paused
    )
    {
        CloseAt(at);
        segments = segments.Add(new TargetSegment(at, null, target, clock, escalations, thresholds));
        spans = spans.Add(new Span(at, null, !paused, clock));
    }

    public void Untrack(Instant at) => CloseAt(at);

    public void SetPaused(Instant at, bool paused)
    {
        if (IsTracked && spans[^1].Running == paused)
        {
            var clock = spans[^1].Clock;
            CloseLastSpan(at);
            spans = spans.Add(new Span(at, null, !paused, clock));
        }
    }

    public void Complete(Instant at)
    {
        StoppedUntracked = !IsTracked;
        CloseAt(at);
        CompletedAt = at;
    }

    public void Cancel(Instant at)
    {
        StoppedUntracked = !IsTracked;
        CloseAt(at);
        CancelledAt = at;
    }

    public Duration ElapsedAt(Instant asOf) => SumSpans(asOf, running: true);

    public Duration PausedAt(Instant asOf) => SumSpans(asOf, running: false);

    /// <summary>
    /// The earliest instant at which the phase's elapsed time reaches <paramref name="amount"/>. After the
    /// phase stopped, elapsed time is projected as if it kept running from the stop (this gives a stopped
    /// phase its due instant); while it is paused or untracked nothing more accrues.
    /// </summary>
    public Instant? Reach(Duration amount)
    {
        if (amount <= runningBefore[0] && runningBefore[0] > Duration.Zero)
        {
            return reachedBefore.TryGetValue(amount, out var reached)
                ? reached
                : throw new InvalidOperationException($"The checkpoint does not know where {amount} was reached.");
        }

        if (amount <= Duration.Zero && spans.FindIndex(s => s.Running) is var first and >= 0)
        {
            return spans[first].Clock.AddBusinessTime(spans[first].From, amount);
        }

        var closed = runningBefore.Count - 1;
        if (amount > Duration.Zero && closed > 0 && runningBefore[closed] >= amount)
        {
            var i = FirstClosedReaching(amount);
            return spans[i].Clock.AddBusinessTime(spans[i].From, amount - runningBefore[i]);
        }

        if (closed < spans.Count)
        {
            var open = spans[^1];
            return open.Running ? open.Clock.AddBusinessTime(open.From, amount - runningBefore[closed]) : null;
        }

        return StoppedAt is { } stop && (spans.Count > 0 ? spans[^1].Clock : compactedClock) is { } clock
            ? clock.AddBusinessTime(stop, amount - runningBefore[closed])
            : null;
    }

    /// <summary>
    /// The due instant: the first segment whose target is reached before the segment ends fixes it for
    /// good. Otherwise a stopped phase is due where the last target would have been reached had it run
    /// on from the stop; a running phase where it will be reached; a paused or untracked one never.
    /// </summary>
    public Instant? Due()
    {
        if (fixedDue is not null || stoppedDue is not null)
        {
            return fixedDue ?? stoppedDue;
        }

        for (var i = dueCheckedSegments; i < segments.Count; i++)
        {
            if (Reach(segments[i].Target) is { } reached && segments[i].TakesEffect(reached) is not null)
            {
                return segments[i].Until is null ? reached : fixedDue = reached;
            }

            if (segments[i].Until is not null)
            {
                dueCheckedSegments = i + 1; // closed without reaching its target: it never will
            }
        }

        return StoppedAt is null || !HasSegments ? null : Reach(LastTarget);
    }

    /// <summary>
    /// Every notification this phase emits, each slot once: within a segment, a threshold (of the segment's
    /// own thresholds) or escalation of that segment's target fires when reached, or at the segment's start if the
    /// new target puts it earlier, and only if the segment has not ended by then (events at an instant apply before
    /// thresholds at it).
    /// </summary>
    public IEnumerable<ScheduledNotification> Schedule()
    {
        for (; scheduledSegments < segments.Count && segments[scheduledSegments].Until is not null; scheduledSegments++)
        {
            var taken = closedSlots.ToHashSet();
            closedSchedule = closedSchedule.AddRange(ScheduleOf(segments[scheduledSegments], taken));
            closedSlots = [.. taken];
        }

        return scheduledSegments < segments.Count
            ? [.. closedSchedule, .. ScheduleOf(segments[^1], [.. closedSlots])]
            : closedSchedule.ToList();
    }

    /// <summary>
    /// The amount of business time at which a percent of a target is reached, rounded up to the nanosecond.
    /// </summary>
    internal static Duration PercentOf(Duration target, decimal percent) =>
        Duration.FromNanoseconds((long)decimal.Ceiling(target.ToInt64Nanoseconds() * percent / 100m));

    private List<ScheduledNotification> ScheduleOf(TargetSegment segment, HashSet<NotificationSlot> taken)
    {
        var scheduled = new List<ScheduledNotification>();
        var candidates = segment
            .Thresholds.Select(t => (t.Kind, t.Percent, Level: (int?)null))
            .Concat(
                segment.Escalations.Select(
                    (percent, i) => (Kind: NotificationKind.Escalation, Percent: percent, Level: (int?)(i + 1))
                )
            );
        foreach (var (kind, percent, level) in candidates)
        {
            var slot = NotificationSlot.Of(Phase, Cycle, kind, percent, level);
            if (taken.Contains(slot) || Reach(PercentOf(segment.Target, percent)) is not { } reached)
            {
                continue;
            }

            if (segment.TakesEffect(reached) is { } fireAt)
            {
                taken.Add(slot);
                scheduled.Add(new ScheduledNotification(slot, percent, level, reached, fireAt));
            }
        }

        return scheduled;
    }

    /// <summary>
    /// The first closed span by whose end the running time reaches a positive amount (it is a running span).
    /// </summary>
    private int FirstClosedReaching(Duration amount)
    {
        var (low, high) = (0, runningBefore.Count - 2);
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (runningBefore[middle + 1] >= amount)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return low;
    }

    private void CloseAt(Instant at)
    {
        if (IsTracked)
        {
            CloseLastSpan(at);
            segments = segments.SetItem(segments.Count - 1, segments[^1] with { Until = at });
        }
    }

    private void CloseLastSpan(Instant at)
    {
        var span = spans[^1] with { Until = at };
        spans = spans.SetItem(spans.Count - 1, span);
        var length = span.Clock.BusinessTimeBetween(span.From, at);
        runningBefore = runningBefore.Add(runningBefore[^1] + (span.Running ? length : Duration.Zero));
        pausedBefore = pausedBefore.Add(pausedBefore[^1] + (span.Running ? Duration.Zero : length));
    }

    private Duration SumSpans(Instant asOf, bool running)
    {
        // The spans that began before asOf: all but the last of them ended by asOf (spans do not overlap).
        var (low, high) = (0, spans.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (spans[middle].From < asOf)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        if (low == 0)
        {
            return running ? runningBefore[0] : pausedBefore[0];
        }

        var last = spans[low - 1];
        var before = running ? runningBefore[low - 1] : pausedBefore[low - 1];
        if (last.Running != running)
        {
            return before;
        }

        var until = last.Until is { } end && end < asOf ? end : asOf;
        return before + last.Clock.BusinessTimeBetween(last.From, until);
    }

    private sealed record Span(Instant From, Instant? Until, bool Running, IBusinessClock Clock);
}

/// <summary>
/// The part of a phase during which one target applies, with the clock, escalations and thresholds of the policy
/// version in force (a priority or definition change starts a new one).
/// </summary>
internal sealed record TargetSegment(
    Instant From,
    Instant? Until,
    Duration Target,
    IBusinessClock Clock,
    ImmutableArray<decimal> Escalations,
    ImmutableArray<Threshold> Thresholds
)
{
    /// <summary>
    /// When something reached at <paramref name="reached"/> under this segment's target takes effect: then,
    /// or at the segment's start if the target put it earlier; null if the segment has ended by that instant
    /// (events at an instant apply first, so a segment replaced at the instant it began never takes effect).
    /// </summary>
    public Instant? TakesEffect(Instant reached)
    {
        var at = reached > From ? reached : From;
        return Until is not { } until || at < until ? at : null;
    }
}

internal sealed record ScheduledNotification(
    NotificationSlot Slot,
    decimal Percent,
    int? Level,
    Instant DueAt,
    Instant FireAt
);
