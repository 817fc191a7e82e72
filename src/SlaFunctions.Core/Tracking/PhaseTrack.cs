using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Calendars;
using SlaFunctions.Core.Policies;

namespace SlaFunctions.Core.Tracking;

/// <summary>
/// One phase cycle as a sequence of spans: running or paused, each counted on the clock of the target in
/// force. A target segment lasts from one priority change to the next; while a phase has no target it
/// has no open segment and its elapsed time stands still. Built forward by <see cref="SlaTimeline"/>,
/// then only queried.
/// </summary>
internal sealed class PhaseTrack(SlaPhase phase, int cycle, Instant startedAt)
{
    private readonly List<Span> spans = [];
    private readonly List<TargetSegment> segments = [];
    private Duration[]? spanLengths;

    public SlaPhase Phase { get; } = phase;

    public int Cycle { get; } = cycle;

    public Instant StartedAt { get; } = startedAt;

    public Instant? CompletedAt { get; private set; }

    public Instant? CancelledAt { get; private set; }

    public Instant? StoppedAt => CompletedAt ?? CancelledAt;

    /// <summary>The phase stopped while it had no target: it stays out of sight unless it had already breached.</summary>
    public bool StoppedUntracked { get; private set; }

    public bool IsTracked => segments.Count > 0 && segments[^1].Until is null;

    /// <summary>The phase ever had a target.</summary>
    public bool HasSegments => segments.Count > 0;

    public TargetSegment LastSegment => segments[^1];

    public bool IsRunning => IsTracked && spans[^1].Running;

    public void Track(Instant at, Duration target, IBusinessClock clock, ImmutableArray<decimal> escalations, bool paused)
    {
        CloseAt(at);
        segments.Add(new TargetSegment(at, null, target, clock, escalations));
        spans.Add(new Span(at, null, !paused, clock));
    }

    public void Untrack(Instant at) => CloseAt(at);

    public void SetPaused(Instant at, bool paused)
    {
        if (IsTracked && spans[^1].Running == paused)
        {
            var clock = spans[^1].Clock;
            spans[^1] = spans[^1] with { Until = at };
            spans.Add(new Span(at, null, !paused, clock));
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
        var lengths = SpanLengths();
        var accrued = Duration.Zero;
        for (var i = 0; i < spans.Count; i++)
        {
            var span = spans[i];
            if (!span.Running)
            {
                continue;
            }

            if (span.Until is null || accrued + lengths[i] >= amount)
            {
                return span.Clock.AddBusinessTime(span.From, amount - accrued);
            }

            accrued += lengths[i];
        }

        return StoppedAt is { } stop && spans.Count > 0
            ? spans[^1].Clock.AddBusinessTime(stop, amount - accrued)
            : null;
    }

    /// <summary>
    /// The due instant: the first segment whose target is reached before the segment ends fixes it for
    /// good. Otherwise a stopped phase is due where the last target would have been reached had it run
    /// on from the stop; a running phase where it will be reached; a paused or untracked one never.
    /// </summary>
    public Instant? Due()
    {
        Instant? projected = null;
        foreach (var segment in segments)
        {
            projected = Reach(segment.Target);
            if (projected is { } reached && segment.TakesEffect(reached) is not null)
            {
                return reached;
            }
        }

        return StoppedAt is null ? null : projected;
    }

    /// <summary>
    /// Every notification this phase emits, each slot once: within a segment, a threshold of that segment's
    /// target fires when reached, or at the segment's start if the new target puts it earlier, and only if
    /// the segment has not ended by then (events at an instant apply before thresholds at it).
    /// </summary>
    public IEnumerable<ScheduledNotification> Schedule(ImmutableArray<Threshold> thresholds)
    {
        var taken = new HashSet<NotificationSlot>();
        foreach (var segment in segments)
        {
            var candidates = thresholds.Select(t => (t.Kind, t.Percent, Level: (int?)null))
                .Concat(segment.Escalations.Select((percent, i) => (Kind: NotificationKind.Escalation, Percent: percent, Level: (int?)(i + 1))));
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
                    yield return new ScheduledNotification(slot, percent, level, reached, fireAt);
                }
            }
        }
    }

    /// <summary>The amount of business time at which a percent of a target is reached, rounded up to the nanosecond.</summary>
    internal static Duration PercentOf(Duration target, decimal percent) =>
        Duration.FromNanoseconds((long)decimal.Ceiling(target.ToInt64Nanoseconds() * percent / 100m));

    private void CloseAt(Instant at)
    {
        if (IsTracked)
        {
            spans[^1] = spans[^1] with { Until = at };
            segments[^1] = segments[^1] with { Until = at };
        }
    }

    private Duration SumSpans(Instant asOf, bool running)
    {
        var total = Duration.Zero;
        foreach (var span in spans)
        {
            if (span.Running == running && span.From < asOf)
            {
                var until = span.Until is { } end && end < asOf ? end : asOf;
                total += span.Clock.BusinessTimeBetween(span.From, until);
            }
        }

        return total;
    }

    private Duration[] SpanLengths() =>
        spanLengths ??= [.. spans.Select(s => s.Running && s.Until is { } until ? s.Clock.BusinessTimeBetween(s.From, until) : Duration.Zero)];

    private sealed record Span(Instant From, Instant? Until, bool Running, IBusinessClock Clock);
}

/// <summary>The part of a phase during which one target applies.</summary>
internal sealed record TargetSegment(Instant From, Instant? Until, Duration Target, IBusinessClock Clock, ImmutableArray<decimal> Escalations)
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

internal sealed record ScheduledNotification(NotificationSlot Slot, decimal Percent, int? Level, Instant DueAt, Instant FireAt);
