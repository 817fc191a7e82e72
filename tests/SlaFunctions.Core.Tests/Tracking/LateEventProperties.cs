using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Core.Tests.Tracking;

/// <summary>
/// SPEC §2 "Late events": for random histories, delivering some events late (within the tolerance) to an engine
/// that wakes whenever something falls due ends as simulating the history in time order does, and what it
/// published is what the in-order run published plus, for each notification published early and made untrue
/// later, that notification and its retraction.
/// </summary>
public class LateEventProperties
{
    private const int Cases = 2_000;

    [Fact]
    public void Late_events_within_the_tolerance_end_as_the_history_in_time_order_with_retractions_for_what_was_untrue()
    {
        var retracting = 0;
        Prop.ForAll(
                LateDelivery().ToArbitrary(),
                run =>
                {
                    var (sla, end) = Deliver(run.Scenario, run.Delays, run.Tolerance);
                    var inOrder = ScenarioRunner.Run(run.Scenario with { Events = sla.Events, Until = end });
                    var status = sla.StatusAt(end);
                    var standing = TicketSla.Standing(sla.Fired).ToList();
                    var retractions = sla.Fired.Where(f => f.IsRetraction).ToList();
                    retracting += retractions.Count > 0 ? 1 : 0;
                    var failure =
                        !status.Phases.SequenceEqual(inOrder.Phases) ? "phases differ"
                        : !status.Pauses.SequenceEqual(inOrder.Pauses) ? "pauses differ"
                        : !Same(standing, inOrder.Notifications)
                            ? "the standing notifications are not the in-order run's"
                        : standing.DistinctBy(f => f.Slot).Count() != standing.Count ? "a slot stands twice"
                        : retractions.Any(r => sla.Fired.Count(r.Withdraws) != 1)
                            ? "a retraction withdraws no notification, or several"
                        : sla.Fired.Count(f => !f.IsRetraction) != standing.Count + retractions.Count
                            ? "a notification is withdrawn twice, or one withdrawn was never published"
                        : null;
                    return failure is null
                        ? true
                        : throw new InvalidOperationException(
                            $"{failure}\nlate    {string.Join("; ", sla.Fired)}\nin order {string.Join("; ", inOrder.Notifications)}\n"
                                + $"phases  {string.Join("; ", status.Phases)}\n        {string.Join("; ", inOrder.Phases)}\n"
                                + $"events  {string.Join("; ", run.Scenario.Events.Zip(run.Delays, (e, d) => $"{e} +{d}"))}"
                        );
                }
            )
            .Check(Config.QuickThrowOnFailure.WithMaxTest(Cases));
        Assert.True(retracting > Cases / 20, $"only {retracting} of {Cases} runs retracted anything");
    }

    [Fact]
    public void Delivering_every_event_on_time_retracts_nothing()
    {
        Prop.ForAll(
                ScenarioGenerators.Scenario().ToArbitrary(),
                scenario =>
                {
                    var (sla, _) = Deliver(scenario, [.. scenario.Events.Select(_ => Duration.Zero)], Duration.Zero);
                    return sla.Fired.All(f => !f.IsRetraction);
                }
            )
            .Check(Config.QuickThrowOnFailure.WithMaxTest(Cases / 4));
    }

    [Fact]
    public void A_late_response_retracts_the_breach_it_makes_untrue_and_the_phase_is_met()
    {
        var (policy, created) = Policy24x7(); // response due in one hour
        var breach = created.At + Duration.FromHours(1);
        var sla = TicketSla.Start(policy, created).FireDue(breach).Sla;
        Assert.Contains(sla.Fired, f => f.Kind == NotificationKind.Breach);

        var responded = new TicketResponded(breach - Duration.FromMinutes(10));
        var receivedAt = breach + Duration.FromMinutes(5);
        var firing = sla.Apply(responded, new Receipt(receivedAt, Duration.FromMinutes(15))).Sla.FireDue(receivedAt);

        var retraction = Assert.Single(firing.Fired, f => f.IsRetraction);
        Assert.True(retraction.Withdraws(Assert.Single(sla.Fired, f => f.Kind == NotificationKind.Breach)));
        Assert.Equal(receivedAt, retraction.FiredAt);
        var response = firing.Sla.StatusAt(receivedAt).Phases.Single(p => p.Phase == SlaPhase.Response);
        Assert.Equal(PhaseOutcome.Met, response.Outcome);
        Assert.Empty(firing.Sla.FireDue(receivedAt + Duration.FromDays(1)).Fired.Where(f => f.IsRetraction));
    }

    [Fact]
    public void A_late_event_older_than_the_tolerance_is_refused_as_too_late_and_changes_nothing()
    {
        var (policy, created) = Policy24x7();
        var breach = created.At + Duration.FromHours(1);
        var sla = TicketSla.Start(policy, created).FireDue(breach).Sla;

        var error = Assert.Throws<InvalidInputException>(() =>
            sla.Apply(
                new TicketResponded(breach - Duration.FromMinutes(10)),
                new Receipt(breach + Duration.FromMinutes(6), Duration.FromMinutes(15))
            )
        );

        Assert.True(error.IsTooLate);
        Assert.Equal("at", error.Path);
        // The same event within the tolerance is accepted, and without a receipt (an import) it is not judged.
        sla.Apply(
            new TicketResponded(breach - Duration.FromMinutes(10)),
            new Receipt(breach + Duration.FromMinutes(5), Duration.FromMinutes(15))
        );
        sla.Apply(new TicketResponded(breach - Duration.FromMinutes(10)));
    }

    [Fact]
    public void An_event_after_everything_acted_on_is_not_late_however_old()
    {
        var (policy, created) = Policy24x7();
        var sla = TicketSla.Start(policy, created);
        var result = sla.Apply(
            new TicketResponded(created.At + Duration.FromMinutes(30)),
            new Receipt(created.At + Duration.FromDays(3), Duration.Zero)
        );
        Assert.Equal(EventEffect.Applied, result.Effect);
    }

    [Fact]
    public void A_late_pause_before_a_warning_retracts_it_and_the_warning_fires_again_at_its_corrected_instant()
    {
        var (policy, created) = Policy24x7(); // resolution: 4 hours, warning at 50 % = 2 hours
        var warning = created.At + Duration.FromHours(2);
        var sla = TicketSla.Start(policy, created).FireDue(warning).Sla;
        var first = Assert.Single(sla.Fired, f => f is { Phase: SlaPhase.Resolution, Percent: 50 });

        var pause = new TicketPaused(warning - Duration.FromMinutes(10), "awaiting_client");
        var resume = new TicketResumed(warning - Duration.FromMinutes(5), "awaiting_client");
        var receivedAt = warning + Duration.FromMinutes(1);
        var tolerance = new Receipt(receivedAt, Duration.FromMinutes(15));
        var firing = sla.Apply(pause, tolerance).Sla.Apply(resume, tolerance).Sla.FireDue(receivedAt);

        var retraction = Assert.Single(firing.Fired);
        Assert.True(retraction.Withdraws(first));
        Assert.Equal(warning + Duration.FromMinutes(5), firing.Sla.NextWakeAt);
        var again = firing.Sla.FireDue(warning + Duration.FromMinutes(5)).Fired;
        var refired = Assert.Single(again, f => f is { Phase: SlaPhase.Resolution, Percent: 50 });
        Assert.Equal(warning + Duration.FromMinutes(5), refired.DueAt);
        Assert.Equal(1, refired.Revision);
    }

    private static (SlaPolicy Policy, TicketCreated Created) Policy24x7()
    {
        var policy = TicketScenario
            .NewYork9To5()
            .Target("P1", response: 60, resolution: 240, is24x7: true)
            .Thresholds(50, 100)
            .Policy;
        return (policy, new TicketCreated(Instant.FromUtc(2026, 3, 2, 9, 0), "P1"));
    }

    private static bool Same(IEnumerable<FiredNotification> late, IEnumerable<FiredNotification> inOrder) =>
        late.Select(Key).ToHashSet().SetEquals(inOrder.Select(Key)) && late.Count() == inOrder.Count();

    private static (NotificationSlot, decimal, int?, Instant) Key(FiredNotification n) =>
        (n.Slot, n.Percent, n.Level, n.DueAt);

    /// <summary>
    /// An engine that wakes whenever something falls due and receives each event <c>delay</c> after its instant:
    /// fired what fell due before each arrival, then applied it under the tolerance and fired what fell due before
    /// (as a command does), and at last fired what fell due by the end.
    /// </summary>
    private static (TicketSla Sla, Instant End) Deliver(
        Scenario scenario,
        ImmutableArray<Duration> delays,
        Duration tolerance
    )
    {
        var arrivals = scenario
            .Events.Skip(1)
            .Select((e, i) => (Event: e, At: e.At + delays[i + 1]))
            .OrderBy(a => a.At)
            .ToList();
        var end = arrivals.Select(a => a.At).Append(scenario.AsOf).Max();
        var sla = TicketSla.Start(scenario.Policy, (TicketCreated)scenario.Events[0]);
        foreach (var (e, at) in arrivals)
        {
            sla = FireWhile(sla, wake => wake < at);
            sla = sla.Apply(e, new Receipt(at, tolerance)).Sla.FireDueBefore(at).Sla;
        }

        return (FireWhile(sla, wake => wake <= end), end);
    }

    private static TicketSla FireWhile(TicketSla sla, Func<Instant, bool> isDue)
    {
        while (sla.NextWakeAt is { } wake && isDue(wake))
        {
            sla = sla.FireDue(wake).Sla;
        }

        return sla;
    }

    private sealed record LateRun(Scenario Scenario, ImmutableArray<Duration> Delays, Duration Tolerance);

    private static Gen<LateRun> LateDelivery() =>
        from scenario in ScenarioGenerators.Scenario()
        from tolerance in Gen.Choose(1, 600).Select(m => Duration.FromMinutes(m))
        from delays in Gen.ArrayOf(
            Gen.Frequency(
                (3, Gen.Constant(Duration.Zero)),
                (1, Gen.Choose(0, (int)tolerance.TotalSeconds).Select(s => Duration.FromSeconds(s)))
            ),
            scenario.Events.Length
        )
        select new LateRun(scenario, [.. delays], tolerance);
}
