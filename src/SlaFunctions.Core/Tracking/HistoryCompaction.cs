using NodaTime;

namespace SlaFunctions.Core.Tracking;

/// <summary>
/// When a store folds a ticket's settled history into its checkpoint (docs/decisions/0007): the events older than
/// <see cref="SettledAfter"/> are settled, and they are folded once <see cref="AfterEvents"/> of them have gathered.
/// One rule for both backends: the polling store applies it with its clock, the durable orchestration with its
/// replay-safe now, from a value carried in its input.
/// </summary>
public sealed record HistoryCompaction
{
    /// <summary>
    /// The SPEC's late-event tolerance, 15 minutes; 100 settled events (rarely, for a typical ticket never).
    /// </summary>
    public static HistoryCompaction Default { get; } = new(Duration.FromMinutes(15), 100);

    public HistoryCompaction(Duration settledAfter, int afterEvents)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settledAfter, Duration.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(afterEvents, 1);
        SettledAfter = settledAfter;
        AfterEvents = afterEvents;
    }

    /// <summary>
    /// How old an event must be to be settled: an event dated before the checkpoint is refused from then on, so
    /// this is how late an event may still arrive.
    /// </summary>
    public Duration SettledAfter { get; }

    public int AfterEvents { get; }

    /// <summary>
    /// This rule, settling no sooner than <paramref name="lateTolerance"/>: an event the tolerance accepts is never
    /// dated before the checkpoint.
    /// </summary>
    public HistoryCompaction Tolerating(Duration lateTolerance) =>
        lateTolerance <= SettledAfter ? this : new HistoryCompaction(lateTolerance, AfterEvents);

    /// <summary>
    /// The SLA with what is settled as of <paramref name="now"/> folded, once enough of it has gathered.
    /// </summary>
    public TicketSla Compact(TicketSla sla, Instant now)
    {
        ArgumentNullException.ThrowIfNull(sla);
        return sla.Compact(now - SettledAfter, AfterEvents);
    }
}
