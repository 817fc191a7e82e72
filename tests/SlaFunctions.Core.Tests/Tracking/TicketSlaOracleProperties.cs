using FsCheck;
using FsCheck.Fluent;
using NodaTime;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tests.Oracle;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Core.Tests.Tracking;

/// <summary>
/// For random tickets across real zones and their DST days, the engine's phases, pauses and notifications
/// equal the minute-stepping oracle's.
/// </summary>
public class TicketSlaOracleProperties
{
    private const int Cases = 10_000;

    [Fact]
    public void Simulating_a_ticket_agrees_with_the_minute_stepping_oracle()
    {
        Prop.ForAll(
                ScenarioGenerators.Scenario().ToArbitrary(),
                scenario =>
                {
                    var actual = ScenarioRunner.Run(scenario);
                    var expected = Oracle(scenario);
                    var mismatch = Compare(actual, expected);
                    return mismatch is null
                        ? true
                        : throw new InvalidOperationException($"{mismatch}\n{Describe(scenario)}");
                }
            )
            .Check(Config.QuickThrowOnFailure.WithMaxTest(Cases));
    }

    [Fact]
    public void Firing_late_in_one_go_fires_the_same_notifications_with_the_same_due_instants()
    {
        Prop.ForAll(
                ScenarioGenerators.Scenario().ToArbitrary(),
                scenario =>
                {
                    var punctual = ScenarioRunner.Run(scenario).Notifications;
                    var sla = scenario
                        .Events.Skip(1)
                        .Aggregate(
                            TicketSla.Start(scenario.Policy, (TicketCreated)scenario.Events[0]),
                            (s, e) => s.Apply(e).Sla
                        );
                    var late = sla.FireDue(scenario.AsOf).Fired;
                    return late.Select(n => (n.Slot, n.DueAt))
                            .ToHashSet()
                            .SetEquals(punctual.Select(n => (n.Slot, n.DueAt)))
                        && late.All(n => n.FiredAt == scenario.AsOf);
                }
            )
            .Check(Config.QuickThrowOnFailure.WithMaxTest(Cases / 5));
    }

    /// <summary>
    /// Compaction (docs/decisions/0007) changes no answer: the same run, compacted up to each event before it is
    /// applied (the most that is ever settled) and read back from the snapshot JSON each time, ends with the same
    /// phases, pauses and notifications.
    /// </summary>
    [Fact]
    public void Compacting_the_history_as_it_goes_changes_no_answer()
    {
        Prop.ForAll(
                ScenarioGenerators.Scenario().ToArbitrary(),
                scenario =>
                {
                    var expected = ScenarioRunner.Run(scenario);
                    var actual = RunCompacting(scenario);
                    var same =
                        actual.Phases.SequenceEqual(expected.Phases)
                        && actual.Pauses.SequenceEqual(expected.Pauses)
                        && actual.Notifications.SequenceEqual(expected.Notifications)
                        && actual.Priority == expected.Priority;
                    return same
                        ? true
                        : throw new InvalidOperationException(
                            $"compacted {string.Join("; ", actual.Phases)} | {string.Join("; ", actual.Notifications)}\n"
                                + $"whole     {string.Join("; ", expected.Phases)} | {string.Join("; ", expected.Notifications)}\n{Describe(scenario)}"
                        );
                }
            )
            .Check(Config.QuickThrowOnFailure.WithMaxTest(Cases / 5));
    }

    private static SlaStatus RunCompacting(Scenario scenario)
    {
        static TicketSla Stored(TicketSla sla, Instant horizon) =>
            TicketSla.Restore(
                sla.Policy,
                SlaJson.DeserializeSnapshot(SlaJson.Serialize(sla.Compact(horizon).ToSnapshot()))
            );
        static TicketSla FireWhile(TicketSla sla, Func<Instant, bool> isDue)
        {
            while (sla.NextWakeAt is { } wake && isDue(wake))
            {
                sla = sla.FireDue(wake).Sla;
            }

            return sla;
        }

        var events = scenario.Events.TakeWhile(e => e.At <= scenario.AsOf).ToList();
        var sla = TicketSla.Start(scenario.Policy, (TicketCreated)events[0]);
        foreach (var e in events.Skip(1))
        {
            sla = Stored(FireWhile(sla, wake => wake < e.At), e.At);
            sla = sla.Apply(e).Sla;
        }

        return Stored(FireWhile(sla, wake => wake <= scenario.AsOf), scenario.AsOf).StatusAt(scenario.AsOf);
    }

    private static MinuteSlaOracle.Result Oracle(Scenario scenario)
    {
        var zone = scenario.Policy.Calendar.Zone;
        var giveUp = scenario.AsOf + Duration.FromDays(40);
        var calendar = new MinuteCalendarOracle(
            scenario.Policy.Calendar,
            scenario.Events[0].At.InZone(zone).Date.PlusDays(-2),
            giveUp.InZone(zone).Date.PlusDays(2)
        );
        return MinuteSlaOracle.Run(scenario.Policy, scenario.Events, scenario.AsOf, calendar, giveUp);
    }

    internal static string? Compare(SlaStatus actual, MinuteSlaOracle.Result expected)
    {
        if (actual.Phases.Length != expected.Phases.Count)
        {
            return $"phases: engine {string.Join("; ", actual.Phases)} / oracle {string.Join("; ", expected.Phases)}";
        }

        foreach (var (a, e) in actual.Phases.Zip(expected.Phases))
        {
            var same =
                a.Phase == e.Phase
                && a.Cycle == e.Cycle
                && a.Target == e.Target
                && a.StartedAt == e.StartedAt
                && (e.DueUnknown || a.DueAt == e.DueAt)
                && a.CompletedAt == e.CompletedAt
                && a.Outcome == e.Outcome
                && a.Elapsed == e.Elapsed
                && a.Paused == e.Paused;
            if (!same)
            {
                return $"phase: engine {a} / oracle {e}";
            }
        }

        if (!actual.Pauses.SequenceEqual(expected.Pauses))
        {
            return $"pauses: engine {string.Join("; ", actual.Pauses)} / oracle {string.Join("; ", expected.Pauses)}";
        }

        var engine = SimulationJson
            .Ordered(actual.Notifications)
            .Select(n => (n.Phase, n.Cycle, n.Kind, n.Percent, n.Level, n.FiredAt))
            .ToList();
        var oracle = expected.Fired.Select(n => (n.Phase, n.Cycle, n.Kind, n.Percent, n.Level, n.At)).Order().ToList();
        return engine.Order().SequenceEqual(oracle)
            ? null
            : $"notifications: engine {string.Join("; ", engine)} / oracle {string.Join("; ", oracle)}";
    }

    internal static string Describe(Scenario s) =>
        $"zone {s.Policy.Calendar.Zone.Id}, 24x7 {s.Policy.Calendar.Is24x7}, hours [{string.Join(", ", s.Policy.Calendar.Hours)}], "
        + $"holidays [{string.Join(", ", s.Policy.Calendar.Holidays)}]\n"
        + $"targets {string.Join("; ", s.Policy.Targets.Select(t => $"{t.Key}: {t.Value.Response}/{t.Value.Resolution} 24x7={t.Value.Is24x7} esc=[{string.Join(",", t.Value.Escalations)}]"))}\n"
        + $"thresholds [{string.Join(", ", s.Policy.Thresholds.Select(t => t.Percent))}]\n"
        + $"events:\n  {string.Join("\n  ", s.Events)}\nuntil {s.AsOf}";
}
