using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Tests.Oracle;

/// <summary>
/// SPEC §2 re-implemented as a minute-by-minute walk, for comparison only. At each minute boundary the
/// events at that instant apply first, then every threshold whose amount the elapsed count has reached
/// fires; then one minute passes, and counts towards a phase if the phase is tracked, its clock is open
/// and no pause reason holds. Targets and threshold amounts must be whole minutes.
/// </summary>
public sealed class MinuteSlaOracle
{
    private static readonly Duration Minute = Duration.FromMinutes(1);
    private readonly Func<SlaPolicy, MinuteCalendarOracle> calendarOf;
    private SlaPolicy policy;
    private MinuteCalendarOracle calendar;
    private readonly Instant giveUpAt;
    private readonly List<Phase> phases = [];
    private readonly List<(Instant From, Instant? To, string Reason, bool Explicit)> pauses = [];
    private readonly HashSet<string> reasons = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Fired> fired = [];
    private string priority = string.Empty;
    private string? status;
    private bool resolved;
    private bool cancelled;

    private MinuteSlaOracle(SlaPolicy policy, Func<SlaPolicy, MinuteCalendarOracle> calendarOf, Instant giveUpAt)
    {
        this.policy = policy;
        this.calendarOf = calendarOf;
        calendar = calendarOf(policy);
        this.giveUpAt = giveUpAt;
    }

    private bool Paused =>
        reasons.Count > 0 || (status is { } s && policy.PauseStatuses.Contains(s, StringComparer.OrdinalIgnoreCase));

    private Phase Response => phases[0];

    private Phase Resolution => phases[^1];

    public static Result Run(
        SlaPolicy policy,
        IReadOnlyList<TicketEvent> events,
        Instant until,
        MinuteCalendarOracle calendar,
        Instant giveUpAt
    ) => Run(policy, events, until, _ => calendar, giveUpAt);

    /// <param name="calendarOf">The minute calendar of each policy version the events put in force.</param>
    public static Result Run(
        SlaPolicy policy,
        IReadOnlyList<TicketEvent> events,
        Instant until,
        Func<SlaPolicy, MinuteCalendarOracle> calendarOf,
        Instant giveUpAt
    )
    {
        var oracle = new MinuteSlaOracle(policy, calendarOf, giveUpAt);
        var next = 0;
        for (var m = events[0].At; ; m += Minute)
        {
            while (next < events.Count && events[next].At == m)
            {
                oracle.Apply(events[next++]);
                oracle.KeepStoppedCalendars();
            }

            oracle.FireReached(m);
            if (m == until)
            {
                return oracle.Describe(until);
            }

            oracle.Tick(m);
        }
    }

    private void Apply(TicketEvent e)
    {
        if (cancelled)
        {
            return;
        }

        switch (e)
        {
            case TicketCreated c:
                priority = c.Priority;
                phases.Add(NewPhase(SlaPhase.Response, 1, c.At));
                phases.Add(NewPhase(SlaPhase.Resolution, 1, c.At));
                break;
            case TicketStatusChanged s when !string.Equals(s.Status, status, StringComparison.OrdinalIgnoreCase):
                if (status is { } old && IsPausing(old))
                {
                    ClosePause(s.At, old, explicitReason: false);
                }

                status = s.Status;
                if (IsPausing(s.Status))
                {
                    pauses.Add((s.At, null, s.Status, false));
                }

                break;
            case TicketPaused p when reasons.Add(p.Reason):
                pauses.Add((p.At, null, p.Reason, true));
                break;
            case TicketResumed r when reasons.Remove(r.Reason):
                ClosePause(r.At, r.Reason, explicitReason: true);
                break;
            case TicketResponded r when Response.Stop is null:
                Response.StoppedUntracked = Response.Minutes is null;
                Response.Completed = r.At;
                break;
            case TicketResolved r when !resolved:
                if (Response.Stop is null)
                {
                    Response.StoppedUntracked = Response.Minutes is null;
                    Response.Completed = r.At;
                }

                Resolution.StoppedUntracked = Resolution.Minutes is null;
                Resolution.Completed = r.At;
                resolved = true;
                break;
            case TicketReopened r when resolved:
                resolved = false;
                phases.Add(NewPhase(SlaPhase.Resolution, Resolution.Cycle + 1, r.At));
                break;
            case TicketPriorityChanged p when p.Priority != priority:
                priority = p.Priority;
                foreach (var phase in new[] { Response, Resolution }.Where(x => x.Stop is null))
                {
                    phase.Target = policy.Targets[priority];
                }

                break;
            case TicketDefinitionsChanged d when d.Policy.Targets.ContainsKey(priority):
                var pausedBefore = status is { } before && IsPausing(before);
                policy = d.Policy;
                calendar = calendarOf(d.Policy);
                var pausedAfter = status is { } after && IsPausing(after);
                if (pausedBefore && !pausedAfter)
                {
                    ClosePause(d.At, status!, explicitReason: false);
                }
                else if (!pausedBefore && pausedAfter)
                {
                    pauses.Add((d.At, null, status!, false));
                }

                foreach (var phase in new[] { Response, Resolution }.Where(x => x.Stop is null))
                {
                    phase.Target = policy.Targets[priority];
                }

                break;
            case TicketCancelled c:
                foreach (var phase in new[] { Response, Resolution }.Where(x => x.Stop is null))
                {
                    phase.StoppedUntracked = phase.Minutes is null;
                    phase.Cancelled = c.At;
                }

                cancelled = true;
                break;
        }
    }

    /// <summary>A phase that stopped is projected on the calendar it stopped under, whatever comes into force later.</summary>
    private void KeepStoppedCalendars()
    {
        foreach (var phase in phases.Where(p => p.Stop is not null && p.StopCalendar is null))
        {
            phase.StopCalendar = calendar;
        }
    }

    private Phase NewPhase(SlaPhase kind, int cycle, Instant at) =>
        new(kind, cycle, at) { Target = policy.Targets[priority] };

    private bool IsPausing(string name) => policy.PauseStatuses.Contains(name, StringComparer.OrdinalIgnoreCase);

    private void ClosePause(Instant at, string reason, bool explicitReason)
    {
        var i = pauses.FindLastIndex(p =>
            p.To is null
            && p.Explicit == explicitReason
            && string.Equals(p.Reason, reason, StringComparison.OrdinalIgnoreCase)
        );
        pauses[i] = pauses[i] with { To = at };
    }

    private void FireReached(Instant m)
    {
        // A threshold can only newly be reached when the elapsed count grew or the target changed.
        foreach (var phase in phases)
        {
            if (phase.Stop is not null || phase.Minutes is null || !phase.Changed || phase.Elapsed < phase.NextAmount)
            {
                continue;
            }

            phase.Changed = false;
            var target = phase.Minutes!.Value;
            if (phase.FixedDue is null && phase.Elapsed >= target)
            {
                phase.FixedDue = phase.ReachedAt[target];
            }

            var nextAmount = decimal.MaxValue;
            var points = policy
                .Thresholds.Select(t => (Kind: t.Kind, t.Percent, Level: (int?)null, Key: t.Percent))
                .Concat(
                    phase.Target!.Escalations.Select(
                        (p, i) =>
                            (Kind: NotificationKind.Escalation, Percent: p, Level: (int?)(i + 1), Key: (decimal)(i + 1))
                    )
                );
            foreach (var (kind, percent, level, key) in points)
            {
                var amount = target * percent / 100m;
                if (phase.Elapsed >= amount && phase.FiredKeys.Add((kind, key)))
                {
                    fired.Add(new Fired(phase.Kind, phase.Cycle, kind, percent, level, m));
                }
                else if (!phase.FiredKeys.Contains((kind, key)))
                {
                    nextAmount = Math.Min(nextAmount, amount);
                }
            }

            phase.NextAmount = phase.FixedDue is null ? Math.Min(nextAmount, target) : nextAmount;
        }
    }

    private void Tick(Instant m)
    {
        var open = calendar.IsOpen(m);
        var paused = Paused;
        foreach (var phase in phases)
        {
            if (phase.Stop is null && phase.Minutes is not null && (phase.Target!.Is24x7 || open))
            {
                if (paused)
                {
                    phase.Paused++;
                }
                else
                {
                    phase.Elapsed++;
                    phase.Changed = true;
                    phase.ReachedAt.Add(m + Minute);
                }
            }
        }
    }

    private Result Describe(Instant until)
    {
        var described = new List<PhaseResult>();
        foreach (var phase in phases.Where(p => p.LastMinutes is not null))
        {
            var target = phase.LastMinutes!.Value;
            var due =
                phase.FixedDue
                ?? (
                    phase.Stop is { } stop ? Project(phase, stop, target)
                    : phase.Minutes is not null && !Paused ? Project(phase, until, target)
                    : null
                );
            // A phase that stopped while untracked is shown only if it was due before it stopped (SPEC §2: it
            // stopped being tracked; a due instant already passed stays breached).
            if (phase.StoppedUntracked && !(due < phase.Stop))
            {
                continue;
            }

            PhaseOutcome outcome;
            if (phase.Completed is { } c)
            {
                outcome = due is { } d && c > d ? PhaseOutcome.Breached : PhaseOutcome.Met;
            }
            else if (phase.Cancelled is { } x)
            {
                outcome = due is { } d && d < x ? PhaseOutcome.Breached : PhaseOutcome.Cancelled;
            }
            else if (phase.FixedDue is not null)
            {
                outcome = PhaseOutcome.Breached;
            }
            else if (phase.Minutes is null)
            {
                continue;
            }
            else
            {
                outcome = Paused ? PhaseOutcome.Paused : PhaseOutcome.Running;
            }

            described.Add(
                new PhaseResult(
                    phase.Kind,
                    phase.Cycle,
                    Duration.FromMinutes(target),
                    phase.StartedAt,
                    due,
                    phase.Completed,
                    outcome,
                    Duration.FromMinutes(phase.Elapsed),
                    Duration.FromMinutes(phase.Paused),
                    due == Unknown
                )
            );
        }

        return new Result(
            described,
            [
                .. pauses.Select(p => new PauseRecord(
                    p.From,
                    p.To,
                    p.Reason,
                    p.Explicit ? PauseSource.Explicit : PauseSource.Status
                )),
            ],
            fired
        );
    }

    /// <summary>
    /// Where the target would be reached if the phase ran on from <paramref name="from"/> with nothing else happening.
    /// </summary>
    private Instant? Project(Phase phase, Instant from, int target)
    {
        if (phase.Elapsed >= target)
        {
            return phase.ReachedAt[target];
        }

        var elapsed = phase.Elapsed;
        var clock = phase.StopCalendar ?? calendar;
        for (var m = from; m < giveUpAt; m += Minute)
        {
            if (phase.LastTarget!.Is24x7 || clock.IsOpen(m))
            {
                if (++elapsed == target)
                {
                    return m + Minute;
                }
            }
        }

        return Unknown;
    }

    /// <summary>The due instant lies beyond the oracle's window: not compared.</summary>
    public static readonly Instant Unknown = Instant.MaxValue;

    public sealed record Result(List<PhaseResult> Phases, List<PauseRecord> Pauses, List<Fired> Fired);

    public sealed record PhaseResult(
        SlaPhase Phase,
        int Cycle,
        Duration Target,
        Instant StartedAt,
        Instant? DueAt,
        Instant? CompletedAt,
        PhaseOutcome Outcome,
        Duration Elapsed,
        Duration Paused,
        bool DueUnknown
    );

    public sealed record Fired(
        SlaPhase Phase,
        int Cycle,
        NotificationKind Kind,
        decimal Percent,
        int? Level,
        Instant At
    );

    private sealed class Phase(SlaPhase kind, int cycle, Instant startedAt)
    {
        private SlaTarget? target;

        public SlaPhase Kind { get; } = kind;

        public int Cycle { get; } = cycle;

        public Instant StartedAt { get; } = startedAt;

        /// <summary>The target in force; setting one whose phase has no minutes untracks the phase.</summary>
        public SlaTarget? Target
        {
            get => target;
            set
            {
                target = value;
                Changed = true;
                NextAmount = 0;
                if (Minutes is not null)
                {
                    LastTarget = value;
                }
            }
        }

        public SlaTarget? LastTarget { get; private set; }

        public int? Minutes => Target?.For(Kind) is { } d ? (int)d.TotalMinutes : null;

        public int? LastMinutes => LastTarget?.For(Kind) is { } d ? (int)d.TotalMinutes : null;

        public int Elapsed { get; set; }

        /// <summary>The elapsed count or the target changed since thresholds were last checked.</summary>
        public bool Changed { get; set; }

        /// <summary>The smallest amount not yet reached under the current target: nothing to check below it.</summary>
        public decimal NextAmount { get; set; }

        public int Paused { get; set; }

        /// <summary>Index k: the minute boundary at which the elapsed count first reached k.</summary>
        public List<Instant> ReachedAt { get; } = [startedAt];

        public Instant? FixedDue { get; set; }

        public Instant? Completed { get; set; }

        public Instant? Cancelled { get; set; }

        public Instant? Stop => Completed ?? Cancelled;

        public bool StoppedUntracked { get; set; }

        public MinuteCalendarOracle? StopCalendar { get; set; }

        public HashSet<(NotificationKind, decimal)> FiredKeys { get; } = [];
    }
}
