using NodaTime;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Bench.Postgres;

/// <summary>
/// A ticket's SLA with the row the service stores for it as of <paramref name="AsOf"/>: the snapshot JSON
/// and the projection columns.
/// </summary>
internal sealed record SlaRow(TicketSla Sla, Instant AsOf)
{
    public string Snapshot { get; } = SlaJson.Serialize(Sla.ToSnapshot());

    public SlaStatus Status { get; } = Sla.StatusAt(AsOf);

    public PhaseStatus? Response => Status.Phases.FirstOrDefault(p => p.Phase == SlaPhase.Response);

    public PhaseStatus? Resolution => Status.Phases.LastOrDefault(p => p.Phase == SlaPhase.Resolution);

    public bool Breached => Status.Phases.Any(p => p.Outcome == PhaseOutcome.Breached);

    public static string? Outcome(PhaseStatus? phase) => phase is null ? null : WireNames.Of(phase.Outcome);

    /// <summary>
    /// Starts a ticket through the Core API, applies its history and fires what is due at <paramref name="asOf"/>.
    /// </summary>
    public static SlaRow Build(SlaPolicy policy, Instant asOf, params TicketEvent[] history)
    {
        var sla = TicketSla.Start(policy, (TicketCreated)history[0]);
        foreach (var e in history.Skip(1))
        {
            var result = sla.Apply(e);
            sla =
                result.Effect == EventEffect.Applied
                    ? result.Sla
                    : throw new InvalidOperationException($"{e} was not applied: {result.Reason}");
        }

        return new SlaRow(sla.FireDue(asOf).Sla, asOf);
    }
}
