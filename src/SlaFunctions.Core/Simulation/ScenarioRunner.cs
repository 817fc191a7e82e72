using NodaTime;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Simulation;

/// <summary>
/// Runs a scenario through <see cref="TicketSla"/> the way a punctual engine would: it wakes exactly when
/// each notification falls due, and applies each event at its instant before anything due at that instant.
/// </summary>
public static class ScenarioRunner
{
    /// <param name="cancellationToken">Stops the run between two steps (the caller went away).</param>
    public static SlaStatus Run(Scenario scenario, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var asOf = scenario.AsOf;
        var events = scenario.Events.TakeWhile(e => e.At <= asOf).ToList();
        var sla = TicketSla.Start(scenario.Policy, (TicketCreated)events[0]);
        foreach (var e in events.Skip(1))
        {
            sla = FireWhile(sla, wake => wake < e.At, cancellationToken);
            sla = sla.Apply(e).Sla;
        }

        sla = FireWhile(sla, wake => wake <= asOf, cancellationToken);
        return sla.StatusAt(asOf);
    }

    private static TicketSla FireWhile(TicketSla sla, Func<Instant, bool> isDue, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        while (sla.NextWakeAt is { } wake && isDue(wake))
        {
            sla = sla.FireDue(wake).Sla;
            cancellationToken.ThrowIfCancellationRequested();
        }

        return sla;
    }
}
