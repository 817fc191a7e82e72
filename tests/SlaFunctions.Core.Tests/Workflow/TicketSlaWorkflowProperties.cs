using FsCheck;
using FsCheck.Fluent;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Core.Tests.Workflow;

/// <summary>For random tickets, the orchestration publishes exactly what the punctual simulation fires.</summary>
public class TicketSlaWorkflowProperties
{
    private const int Cases = 500;

    [Fact]
    public void The_orchestration_publishes_what_the_simulation_fires() => PublishesWhatTheSimulationFires(null, Cases);

    /// <summary>
    /// Compacting everything before now at every round (no settled window, no threshold) changes nothing
    /// published, and every replay compacts as the first run did (the host compares each persist's input).
    /// </summary>
    [Fact]
    public void An_orchestration_that_compacts_at_every_round_publishes_what_the_simulation_fires() =>
        PublishesWhatTheSimulationFires(new HistoryCompaction(NodaTime.Duration.Zero, 1), Cases / 2);

    private static void PublishesWhatTheSimulationFires(HistoryCompaction? compaction, int cases)
    {
        Prop.ForAll(
                ScenarioGenerators.Scenario().ToArbitrary(),
                scenario =>
                {
                    var harness = TicketSlaHarness.Play(scenario, compaction);
                    var expected = ScenarioRunner.Run(scenario).Notifications;
                    var published = harness.Store.Published;
                    var same = published
                        .Select(n => (n.Phase, n.Cycle, n.Kind, n.Percent, n.Level, n.DueAt, n.FiredAt))
                        .SequenceEqual(
                            expected.Select(n => (n.Phase, n.Cycle, n.Kind, n.Percent, n.Level, n.DueAt, n.FiredAt))
                        );
                    return
                        same
                        && harness.Store.Audit.Count == harness.Signals
                        && harness.Host.LostSignals.Count == 0
                        && harness.Host.MostWaiters == 1
                        ? true
                        : throw new InvalidOperationException(
                            $"published {string.Join("; ", published)}\nexpected  {string.Join("; ", expected)}\n"
                                + $"audited {harness.Store.Audit.Count} of {harness.Signals} signals, lost {harness.Host.LostSignals.Count}, waiters {harness.Host.MostWaiters}\n"
                                + $"events:\n  {string.Join("\n  ", scenario.Events)}\nuntil {scenario.AsOf}"
                        );
                }
            )
            .Check(Config.QuickThrowOnFailure.WithMaxTest(cases));
    }
}
