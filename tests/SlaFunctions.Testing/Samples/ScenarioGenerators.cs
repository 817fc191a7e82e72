using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Testing.Samples;

/// <summary>
/// Random scenarios on whole minutes, with targets that are multiples of 20 minutes and percents that
/// are multiples of 5, so every threshold amount is a whole number of minutes.
/// </summary>
public static class ScenarioGenerators
{
    private static readonly string[] Priorities = ["P1", "P2", "P3"];
    private static readonly string[] Statuses = ["awaiting_client", "on_hold", "open", "in_progress"];
    private static readonly string[] Reasons = ["vendor", "awaiting_client"];

    public static Gen<Scenario> Scenario() =>
        from anchor in Generators.Anchor()
        from calendar in Generators.Calendar(anchor.Zone, anchor.Anchor)
        from targets in Gen.ListOf(Target(), 3)
        from thresholds in Thresholds()
        from events in Gen.ListOf(Event()).Select(e => e.Take(12).ToList())
        from priority in Gen.Elements(Priorities)
        from tail in Gen.Choose(0, 3000)
        let policy = new SlaPolicy(
            new PolicyRef("generated", 1),
            calendar,
            Priorities.Zip(targets).ToDictionary(p => p.First, p => p.Second),
            thresholds,
            ["awaiting_client", "on_hold"]
        )
        let history = History(anchor.Anchor, priority, events)
        select new Scenario(policy, history, history[^1].At + Duration.FromMinutes(tail));

    /// <summary>
    /// A scenario with one to three definition changes (SPEC §2) at random instants of its history: each a new
    /// policy version with its own calendar (in a random zone of <see cref="Generators.Zones"/>), targets for every
    /// priority, thresholds and pausing statuses.
    /// </summary>
    public static Gen<Scenario> ScenarioWithDefinitionChanges() =>
        from scenario in Scenario()
        from changes in Gen.Choose(1, 3)
        from versions in Gen.ListOf(PolicyVersion(scenario.Events[0].At), changes)
        from places in Gen.ListOf(Gen.Choose(1, 1_000_000), changes)
        select WithChanges(scenario, [.. versions.Zip(places)]);

    private static Scenario WithChanges(Scenario scenario, List<(Func<int, SlaPolicy> Make, int Place)> changes)
    {
        var events = scenario.Events.ToList();
        var version = 1;
        foreach (var (make, place) in changes)
        {
            // After the event at a random index, at a random minute before the next one (or the scenario's end).
            var after = 1 + (place % events.Count);
            var from = events[after - 1].At;
            var to = after < events.Count ? events[after].At : scenario.AsOf;
            var at = from + Duration.FromMinutes(place % (1 + (int)(to - from).TotalMinutes));
            events.Insert(after, new TicketDefinitionsChanged(at, make(++version)));
        }

        return scenario with
        {
            Events = [.. events],
        };
    }

    private static Gen<Func<int, SlaPolicy>> PolicyVersion(Instant near) =>
        from zone in Gen.Elements(Generators.Zones)
        from calendar in Generators.Calendar(zone, near)
        from targets in Gen.ListOf(Target(), 3)
        from thresholds in Thresholds()
        from pausing in Gen.SubListOf(Statuses)
        select (Func<int, SlaPolicy>)(
            version => new SlaPolicy(
                new PolicyRef("generated", version),
                calendar,
                Priorities.Zip(targets).ToDictionary(p => p.First, p => p.Second),
                thresholds,
                [.. pausing]
            )
        );

    private static ImmutableArray<TicketEvent> History(
        Instant created,
        string priority,
        List<(int Gap, Func<Instant, TicketEvent> Make)> events
    )
    {
        var history = ImmutableArray.CreateBuilder<TicketEvent>();
        history.Add(new TicketCreated(created, priority));
        var at = created;
        foreach (var (gap, make) in events)
        {
            at += Duration.FromMinutes(gap);
            history.Add(make(at));
        }

        return history.ToImmutable();
    }

    private static Gen<SlaTarget> Target() =>
        from response in Gen.Frequency(
            (1, Gen.Constant<int?>(null)),
            (4, Gen.Choose(1, 30).Select(n => (int?)(n * 20)))
        )
        from resolution in Gen.Frequency(
            (1, Gen.Constant<int?>(null)),
            (4, Gen.Choose(1, 60).Select(n => (int?)(n * 20)))
        )
        from is24x7 in Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false)))
        from escalations in Gen.ListOf(Gen.Choose(1, 40).Select(n => n * 5m))
        select new SlaTarget(
            response is { } r ? Duration.FromMinutes(r) : null,
            resolution is { } s ? Duration.FromMinutes(s) : null,
            is24x7,
            [.. escalations.Distinct().Order().Take(3)]
        );

    private static Gen<IEnumerable<Threshold>> Thresholds() =>
        Gen.Frequency(
            (1, Gen.Constant(Threshold.Defaults.AsEnumerable())),
            (
                2,
                Gen.ListOf(Gen.Choose(1, 40).Select(n => n * 5m))
                    .Select(ps => ps.Distinct().Take(5).Select(p => new Threshold(p, [], [])))
            )
        );

    private static Gen<(int Gap, Func<Instant, TicketEvent> Make)> Event() =>
        from gap in Gen.Frequency((2, Gen.Constant(0)), (6, Gen.Choose(1, 240)), (3, Gen.Choose(240, 1500)))
        from make in Gen.Frequency(
            (4, Gen.Elements(Statuses).Select(s => (Func<Instant, TicketEvent>)(at => new TicketStatusChanged(at, s)))),
            (2, Gen.Elements(Reasons).Select(r => (Func<Instant, TicketEvent>)(at => new TicketPaused(at, r)))),
            (2, Gen.Elements(Reasons).Select(r => (Func<Instant, TicketEvent>)(at => new TicketResumed(at, r)))),
            (2, Gen.Constant<Func<Instant, TicketEvent>>(at => new TicketResponded(at))),
            (2, Gen.Constant<Func<Instant, TicketEvent>>(at => new TicketResolved(at))),
            (2, Gen.Constant<Func<Instant, TicketEvent>>(at => new TicketReopened(at))),
            (
                3,
                Gen.Elements(Priorities)
                    .Select(p => (Func<Instant, TicketEvent>)(at => new TicketPriorityChanged(at, p)))
            ),
            (1, Gen.Constant<Func<Instant, TicketEvent>>(at => new TicketCancelled(at)))
        )
        select (gap, make);
}
