using NodaTime;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Postgres.Tickets;

/// <summary>
/// The queryable columns of a ticket's row, derived from its status when it is written (migration 0007 says
/// what each means). Nothing here depends on "now" beyond the write: the queries judge running phases against
/// their stored due instants at request time.
/// </summary>
internal sealed record SlaProjection(
    PhaseProjection? Response,
    PhaseProjection? Resolution,
    int ResolutionCycle,
    bool Breached,
    Instant TicketCreatedAt,
    Instant? OpenDueAt,
    Instant? BreachAt,
    int PolicyVersionInForce
)
{
    public static SlaProjection Of(TicketSla sla, Instant now)
    {
        ArgumentNullException.ThrowIfNull(sla);
        var status = sla.StatusNow(now);
        var cancelledAt = sla.Events.OfType<TicketCancelled>().FirstOrDefault()?.At;
        var (response, resolution) = SlaSearchItem.CurrentPhases(status);
        PhaseProjection?[] phases =
        [
            PhaseProjection.Of(response, cancelledAt),
            PhaseProjection.Of(resolution, cancelledAt),
        ];
        return new SlaProjection(
            phases[0],
            phases[1],
            resolution?.Cycle ?? 1,
            status.Phases.Any(p => p.Outcome == PhaseOutcome.Breached),
            sla.Created.At,
            phases.Where(p => p is { StoppedAt: null, DueAt: not null }).Min(p => p!.DueAt),
            phases.Where(p => p is { Outcome: "running" or "breached" }).Min(p => p!.DueAt),
            sla.PolicyAt(now).Ref.Version
        );
    }
}

/// <summary>
/// One phase's columns: <see cref="Elapsed"/> only once the phase has stopped, when it no longer changes.
/// </summary>
internal sealed record PhaseProjection(
    string Outcome,
    Duration Target,
    Instant? DueAt,
    Instant? CompletedAt,
    Instant? StoppedAt,
    Duration? Elapsed
)
{
    public static PhaseProjection? Of(PhaseStatus? phase, Instant? cancelledAt)
    {
        if (phase is null)
        {
            return null;
        }

        // A phase that had not completed when the SLA was cancelled stopped then (its status has no completion).
        var stoppedAt = phase.CompletedAt ?? cancelledAt;
        return new PhaseProjection(
            WireNames.Of(phase.Outcome),
            phase.Target,
            phase.DueAt,
            phase.CompletedAt,
            stoppedAt,
            stoppedAt is null ? null : phase.Elapsed
        );
    }
}
