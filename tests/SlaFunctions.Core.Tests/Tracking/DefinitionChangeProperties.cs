using FsCheck;
using FsCheck.Fluent;
using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tests.Oracle;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Core.Tests.Tracking;

/// <summary>
/// Definition changes (SPEC §2) at random instants: new targets, thresholds, escalations, pausing statuses and
/// calendars (hours, holidays, zones and their DST days). The engine agrees with the minute-stepping oracle, counts
/// nothing before a change differently, and never fires a slot twice.
/// </summary>
public class DefinitionChangeProperties
{
    private const int Cases = 1_500;

    [Fact]
    public void Simulating_definition_changes_agrees_with_the_minute_stepping_oracle()
    {
        Prop.ForAll(
                ScenarioGenerators.ScenarioWithDefinitionChanges().ToArbitrary(),
                scenario =>
                {
                    var mismatch = TicketSlaOracleProperties.Compare(ScenarioRunner.Run(scenario), Oracle(scenario));
                    return mismatch is null
                        ? true
                        : throw new InvalidOperationException(
                            $"{mismatch}\n{TicketSlaOracleProperties.Describe(scenario)}"
                        );
                }
            )
            .Check(Config.QuickThrowOnFailure.WithMaxTest(Cases));
    }

    [Fact]
    public void A_change_moves_nothing_counted_before_it_and_fires_no_slot_twice()
    {
        Prop.ForAll(
                ScenarioGenerators.ScenarioWithDefinitionChanges().ToArbitrary(),
                scenario =>
                {
                    var result = ScenarioRunner.Run(scenario);
                    var slots = result.Notifications.Select(n => n.Slot).ToList();
                    if (slots.Count != slots.Distinct().Count())
                    {
                        throw new InvalidOperationException(
                            $"a slot fired twice: {string.Join("; ", result.Notifications)}"
                        );
                    }

                    var created = scenario.Events[0].At;
                    foreach (
                        var change in scenario.Events.OfType<TicketDefinitionsChanged>().Where(c => c.At > created)
                    )
                    {
                        var before = scenario with
                        {
                            Events = [.. scenario.Events.Where(e => e.At < change.At)],
                            Until = change.At,
                        };
                        // Every phase shown before the change shows the same counted time with it, unless the new
                        // version does not track it (then it is no longer shown); a phase the new version tracks again
                        // may appear, with what it counted while it was tracked.
                        var counted = Counted(ScenarioRunner.Run(before));
                        var atChange = ScenarioRunner.Run(before with { Events = before.Events.Add(change) });
                        var withChange = Counted(atChange);
                        var tracked = change.Policy.Targets[atChange.Priority];
                        var same = counted.All(c =>
                            withChange.Contains(c)
                            || (withChange.All(p => p.Key != c.Key) && tracked.For(c.Key.Item1) is null)
                        );
                        if (!same)
                        {
                            throw new InvalidOperationException(
                                $"the change at {change.At} moved what was counted before it: "
                                    + $"{string.Join("; ", counted)} / {string.Join("; ", withChange)}"
                            );
                        }
                    }

                    return true;
                }
            )
            .Check(Config.QuickThrowOnFailure.WithMaxTest(Cases / 3));
    }

    private static List<((SlaPhase, int) Key, (Duration, Duration) Counted)> Counted(SlaStatus status) =>
        [.. status.Phases.Select(p => ((p.Phase, p.Cycle), (p.Elapsed, p.Paused)))];

    private static MinuteSlaOracle.Result Oracle(Scenario scenario)
    {
        var created = scenario.Events[0].At;
        var giveUp = scenario.AsOf + Duration.FromDays(40);
        var calendars = new Dictionary<SlaPolicy, MinuteCalendarOracle>(ReferenceEqualityComparer.Instance);
        return MinuteSlaOracle.Run(
            scenario.Policy,
            scenario.Events,
            scenario.AsOf,
            policy =>
            {
                if (!calendars.TryGetValue(policy, out var calendar))
                {
                    var zone = policy.Calendar.Zone;
                    calendar = new MinuteCalendarOracle(
                        policy.Calendar,
                        created.InZone(zone).Date.PlusDays(-2),
                        giveUp.InZone(zone).Date.PlusDays(2)
                    );
                    calendars[policy] = calendar;
                }

                return calendar;
            },
            giveUp
        );
    }
}
