using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Testing.Samples;
using static SlaFunctions.Core.Policies.SlaPhase;

namespace SlaFunctions.Core.Tests.Tracking;

/// <summary>One case per rule of SPEC §2, on a New York calendar open weekdays 09:00-17:00 (local times).</summary>
public class TicketSlaRuleTests
{
    // 2026-06-05 is a Friday, 2026-06-08 a Monday.
    private static TicketScenario Scenario() =>
        TicketScenario
            .NewYork9To5()
            .Target("P1", response: 60, resolution: 480, escalations: [70, 90, 110])
            .Target("P2", response: 240, resolution: 1440)
            .Target("P4", resolution: 4800);

    [Fact]
    public void A_target_that_runs_out_at_closing_time_is_due_at_closing_time_and_a_later_answer_breaches()
    {
        var scenario = Scenario()
            .Target("P1", response: 60)
            .Created("2026-06-05 16:00", "P1")
            .Responded("2026-06-05 17:30");
        var status = scenario.Run("2026-06-08 10:00");

        var response = status.Response();
        Assert.Equal(scenario.Local("2026-06-05 17:00"), response.DueAt);
        Assert.Equal(PhaseOutcome.Breached, response.Outcome);
        Assert.Equal(Duration.FromHours(1), response.Elapsed);
        Assert.Equal(["warning 50", "warning 75", "warning 90", "breach 100"], status.Of(Response).Kinds());
        Assert.Equal(scenario.Local("2026-06-05 17:00"), status.Of(Response).Last().FiredAt);
    }

    [Fact]
    public void A_response_at_exactly_the_due_instant_is_met_and_no_breach_fires()
    {
        var status = Scenario().Created("2026-06-05 16:00", "P1").Responded("2026-06-05 17:00").Run("2026-06-08 10:00");

        Assert.Equal(PhaseOutcome.Met, status.Response().Outcome);
        Assert.Equal(
            ["warning 50", "escalation 70 L1", "warning 75", "warning 90", "escalation 90 L2"],
            status.Of(Response).Kinds()
        );
    }

    [Fact]
    public void A_pause_starting_exactly_at_a_threshold_does_not_stop_that_threshold()
    {
        var scenario = Scenario()
            .Target("P1", response: 60)
            .Created("2026-06-08 09:00", "P1")
            .Status("2026-06-08 09:30", "awaiting_client")
            .Status("2026-06-08 10:00", "open")
            .Responded("2026-06-08 10:20");
        var status = scenario.Run("2026-06-08 12:00");

        Assert.Equal(["warning 50", "warning 75"], status.Of(Response).Kinds());
        Assert.Equal(
            [scenario.Local("2026-06-08 09:30"), scenario.Local("2026-06-08 10:15")],
            status.Of(Response).Select(n => n.FiredAt)
        );
        Assert.Equal(PhaseOutcome.Met, status.Response().Outcome);
        Assert.Equal(scenario.Local("2026-06-08 10:30"), status.Response().DueAt);
    }

    [Fact]
    public void Pause_reasons_are_independent_and_the_clock_runs_only_when_none_holds()
    {
        var scenario = Scenario()
            .Target("P1", response: 60)
            .Created("2026-06-08 09:00", "P1")
            .Status("2026-06-08 09:10", "awaiting_client")
            .Pause("2026-06-08 09:20", "vendor")
            .Resume("2026-06-08 09:30", "vendor")
            .Status("2026-06-08 09:40", "open");
        var status = scenario.Run("2026-06-08 10:00");

        var response = status.Response();
        Assert.Equal(Duration.FromMinutes(30), response.Elapsed);
        Assert.Equal(Duration.FromMinutes(30), response.Paused);
        Assert.Equal(PhaseOutcome.Running, response.Outcome);
        Assert.Equal(scenario.Local("2026-06-08 10:30"), response.DueAt);
        Assert.Equal(
            [
                ("awaiting_client", "2026-06-08 09:10", "2026-06-08 09:40"),
                ("vendor", "2026-06-08 09:20", "2026-06-08 09:30"),
            ],
            status.Pauses.Select(p => (p.Reason, Local(scenario, p.From), Local(scenario, p.To!.Value)))
        );
    }

    [Fact]
    public void A_pause_from_friday_afternoon_to_monday_morning_costs_one_business_hour()
    {
        var scenario = Scenario()
            .Created("2026-06-05 15:00", "P1")
            .Status("2026-06-05 16:00", "awaiting_client")
            .Status("2026-06-08 09:00", "open");
        var resolution = scenario.Run("2026-06-08 10:00").Resolution();

        Assert.Equal(Duration.FromHours(2), resolution.Elapsed);
        Assert.Equal(Duration.FromHours(1), resolution.Paused);
        Assert.Equal(scenario.Local("2026-06-08 16:00"), resolution.DueAt);
    }

    [Fact]
    public void Raising_the_priority_past_an_already_exceeded_target_breaches_at_the_earlier_instant_and_fires_everything_at_once()
    {
        var scenario = Scenario().Created("2026-06-08 09:00", "P2").Priority("2026-06-08 10:30", "P1");
        var status = scenario.Run("2026-06-08 10:45");

        var response = status.Response();
        Assert.Equal(PhaseOutcome.Breached, response.Outcome);
        Assert.Equal(scenario.Local("2026-06-08 10:00"), response.DueAt);
        Assert.Equal(Duration.FromMinutes(60), response.Target);
        Assert.Equal(
            [
                "warning 50",
                "escalation 70 L1",
                "warning 75",
                "warning 90",
                "escalation 90 L2",
                "breach 100",
                "escalation 110 L3",
            ],
            status.Of(Response).Kinds()
        );
        Assert.All(status.Of(Response), n => Assert.Equal(scenario.Local("2026-06-08 10:30"), n.FiredAt));
        Assert.Equal(
            scenario.Local("2026-06-08 10:00"),
            status.Of(Response).Single(n => n.Kind == NotificationKind.Breach).DueAt
        );
    }

    [Fact]
    public void Lowering_the_priority_keeps_elapsed_time_and_never_refires_a_percent()
    {
        var scenario = Scenario().Created("2026-06-08 09:00", "P1").Priority("2026-06-08 09:40", "P2");
        var status = scenario.Run("2026-06-08 13:30");

        Assert.Equal(["warning 50", "warning 75", "warning 90", "breach 100"], status.Of(Response).Kinds());
        Assert.Equal(
            new[] { "09:30", "12:00", "12:36", "13:00" }.Select(t => scenario.Local($"2026-06-08 {t}")),
            status.Of(Response).Select(n => n.FiredAt)
        );
        Assert.Equal(Duration.FromMinutes(240), status.Response().Target);
        Assert.Equal(PhaseOutcome.Breached, status.Response().Outcome);
    }

    [Fact]
    public void A_priority_without_a_response_target_stops_tracking_the_response_unless_it_already_breached()
    {
        var untracked = Scenario()
            .Created("2026-06-08 09:00", "P1")
            .Priority("2026-06-08 09:20", "P4")
            .Run("2026-06-08 12:00");
        Assert.DoesNotContain(untracked.Phases, p => p.Phase == Response);
        Assert.Empty(untracked.Of(Response));

        var scenario = Scenario().Created("2026-06-08 09:00", "P1").Priority("2026-06-08 10:10", "P4");
        var breached = scenario.Run("2026-06-08 12:00").Response();
        Assert.Equal(PhaseOutcome.Breached, breached.Outcome);
        Assert.Equal(scenario.Local("2026-06-08 10:00"), breached.DueAt);
        Assert.Null(breached.CompletedAt);
    }

    [Fact]
    public void A_response_resolution_or_cancellation_after_the_response_stopped_being_tracked_does_not_bring_it_back()
    {
        var untracked = Scenario().Created("2026-06-08 09:00", "P1").Priority("2026-06-08 09:20", "P4");
        Assert.DoesNotContain(
            untracked.Responded("2026-06-08 09:40").Run("2026-06-08 12:00").Phases,
            p => p.Phase == Response
        );
        Assert.DoesNotContain(
            Scenario()
                .Created("2026-06-08 09:00", "P1")
                .Priority("2026-06-08 09:20", "P4")
                .Resolved("2026-06-08 09:40")
                .Run("2026-06-08 12:00")
                .Phases,
            p => p.Phase == Response
        );
        Assert.DoesNotContain(
            Scenario()
                .Created("2026-06-08 09:00", "P1")
                .Priority("2026-06-08 09:20", "P4")
                .Cancelled("2026-06-08 09:40")
                .Run("2026-06-08 12:00")
                .Phases,
            p => p.Phase == Response
        );

        var breachedFirst = Scenario()
            .Created("2026-06-08 09:00", "P1")
            .Priority("2026-06-08 10:10", "P4")
            .Responded("2026-06-08 10:30");
        var breached = breachedFirst.Run("2026-06-08 12:00").Response();
        Assert.Equal(PhaseOutcome.Breached, breached.Outcome);
        Assert.Equal(breachedFirst.Local("2026-06-08 10:30"), breached.CompletedAt);
    }

    [Fact]
    public void Raising_a_priority_that_had_no_response_target_starts_the_response_clock_from_then()
    {
        var scenario = Scenario().Created("2026-06-08 09:00", "P4").Priority("2026-06-08 11:00", "P1");
        var response = scenario.Run("2026-06-08 11:30").Response();

        Assert.Equal(Duration.FromMinutes(30), response.Elapsed);
        Assert.Equal(scenario.Local("2026-06-08 12:00"), response.DueAt);
    }

    [Fact]
    public void Resolving_without_a_response_completes_the_response_at_the_same_instant()
    {
        var scenario = Scenario().Created("2026-06-08 09:00", "P1").Resolved("2026-06-08 10:00");
        var status = scenario.Run("2026-06-08 12:00");

        Assert.Equal(scenario.Local("2026-06-08 10:00"), status.Response().CompletedAt);
        Assert.Equal(PhaseOutcome.Met, status.Response().Outcome);
        Assert.Equal(PhaseOutcome.Met, status.Resolution().Outcome);
    }

    [Fact]
    public void Reopening_starts_a_new_resolution_cycle_on_the_current_priority_and_leaves_the_response_alone()
    {
        var scenario = Scenario()
            .Created("2026-06-08 09:00", "P1")
            .Responded("2026-06-08 09:10")
            .Resolved("2026-06-08 10:00")
            .Priority("2026-06-08 11:00", "P2")
            .Reopened("2026-06-09 09:00");
        var status = scenario.Run("2026-06-11 10:00");

        Assert.Equal(PhaseOutcome.Met, status.Response().Outcome);
        Assert.Equal(PhaseOutcome.Met, status.Resolution(1).Outcome);
        Assert.Equal(Duration.FromMinutes(480), status.Resolution(1).Target);
        var second = status.Resolution(2);
        Assert.Equal(Duration.FromMinutes(1440), second.Target);
        Assert.Equal(scenario.Local("2026-06-09 09:00"), second.StartedAt);
        Assert.Equal(Duration.FromHours(17), second.Elapsed);
        Assert.Equal(["warning 50"], status.Of(Resolution).Kinds());
        Assert.Equal(2, status.Of(Resolution).Single().Cycle);
        Assert.Equal(scenario.Local("2026-06-10 13:00"), status.Of(Resolution).Single().FiredAt);
    }

    [Fact]
    public void Cancelling_stops_running_phases_and_completed_ones_keep_their_outcome()
    {
        var scenario = Scenario()
            .Created("2026-06-08 09:00", "P1")
            .Responded("2026-06-08 09:10")
            .Cancelled("2026-06-08 11:00");
        var status = scenario.Run("2026-06-08 16:00");

        Assert.Equal(PhaseOutcome.Met, status.Response().Outcome);
        var resolution = status.Resolution();
        Assert.Equal(PhaseOutcome.Cancelled, resolution.Outcome);
        Assert.Null(resolution.CompletedAt);
        Assert.Equal(Duration.FromHours(2), resolution.Elapsed);
        Assert.Empty(status.Of(Resolution));
    }

    [Fact]
    public void Cancelling_does_not_erase_a_breach_that_already_happened()
    {
        var status = Scenario().Created("2026-06-08 09:00", "P1").Cancelled("2026-06-08 10:30").Run("2026-06-08 12:00");

        Assert.Equal(PhaseOutcome.Breached, status.Response().Outcome);
        Assert.Equal(PhaseOutcome.Cancelled, status.Resolution().Outcome);
    }

    [Fact]
    public void A_24x7_target_on_a_business_calendar_counts_nights_and_weekends()
    {
        var scenario = Scenario().Target("P1", response: 60, is24x7: true).Created("2026-06-05 16:30", "P1");
        var status = scenario.Run("2026-06-06 12:00");

        Assert.Equal(scenario.Local("2026-06-05 17:30"), status.Response().DueAt);
        Assert.Equal(PhaseOutcome.Breached, status.Response().Outcome);
        Assert.Equal(Duration.FromMinutes(19 * 60 + 30), status.Response().Elapsed);
    }

    [Fact]
    public void Once_the_due_instant_has_passed_it_stays_fixed_through_a_later_pause()
    {
        var scenario = Scenario().Created("2026-06-08 09:00", "P1").Status("2026-06-08 10:30", "awaiting_client");
        var response = scenario.Run("2026-06-08 11:00").Response();

        Assert.Equal(PhaseOutcome.Breached, response.Outcome);
        Assert.Equal(scenario.Local("2026-06-08 10:00"), response.DueAt);
    }

    [Fact]
    public void A_paused_phase_that_has_not_breached_has_no_due_instant()
    {
        var response = Scenario()
            .Created("2026-06-08 09:00", "P1")
            .Pause("2026-06-08 09:30", "awaiting_client")
            .Run("2026-06-08 10:00")
            .Response();

        Assert.Equal(PhaseOutcome.Paused, response.Outcome);
        Assert.Null(response.DueAt);
        Assert.Equal(Duration.FromMinutes(30), response.Elapsed);
    }

    [Fact]
    public void Thresholds_above_100_are_repeated_breach_notices()
    {
        var status = Scenario()
            .Target("P1", response: 60)
            .Thresholds(100, 150, 200)
            .Created("2026-06-08 09:00", "P1")
            .Run("2026-06-08 12:00");

        Assert.Equal(["breach 100", "breach 150", "breach 200"], status.Of(Response).Kinds());
    }

    [Fact]
    public void After_downtime_every_missed_threshold_fires_once_in_order_with_its_original_due_instant()
    {
        var scenario = Scenario().Target("P1", response: 60);
        var sla = TicketSla.Start(scenario.Policy, new TicketCreated(scenario.Local("2026-06-08 09:00"), "P1"));
        Assert.Equal(scenario.Local("2026-06-08 09:30"), sla.NextWakeAt);

        var restarted = scenario.Local("2026-06-08 11:00");
        var late = sla.FireDue(restarted);

        Assert.Equal(
            new[] { "09:30", "09:45", "09:54", "10:00" }.Select(t => scenario.Local($"2026-06-08 {t}")),
            late.Fired.Select(n => n.DueAt)
        );
        Assert.All(late.Fired, n => Assert.Equal(restarted, n.FiredAt));
        Assert.Empty(late.Sla.FireDue(restarted + Duration.FromDays(30)).Fired);
        Assert.Null(late.Sla.NextWakeAt);
    }

    [Fact]
    public void An_event_that_overtook_an_earlier_one_lands_in_its_place()
    {
        var scenario = Scenario()
            .Created("2026-06-08 09:00", "P1")
            .Pause("2026-06-08 09:10", "vendor")
            .Resume("2026-06-08 09:40", "vendor")
            .Responded("2026-06-08 10:20");
        var inOrder = ApplyAll(scenario, [0, 1, 2, 3]);
        var shuffled = ApplyAll(scenario, [0, 3, 2, 1]);

        var until = scenario.Local("2026-06-08 12:00");
        Assert.Equal(inOrder.StatusAt(until), shuffled.StatusAt(until), new StatusComparer());
        Assert.Equal(PhaseOutcome.Met, shuffled.StatusAt(until).Response().Outcome);
    }

    [Fact]
    public void An_event_applied_twice_under_the_same_id_counts_once()
    {
        var scenario = Scenario().Created("2026-06-08 09:00", "P1");
        var sla = TicketSla.Start(scenario.Policy, (TicketCreated)scenario.Events[0]);
        var pause = new TicketPaused(scenario.Local("2026-06-08 09:10"), "vendor") { Id = "evt-1" };

        var once = sla.Apply(pause);
        var twice = once.Sla.Apply(pause with { At = scenario.Local("2026-06-08 09:20") });

        Assert.Equal(EventEffect.Applied, once.Effect);
        Assert.Equal(EventEffect.Duplicate, twice.Effect);
        Assert.Same(once.Sla, twice.Sla);
    }

    [Fact]
    public void An_event_that_changes_nothing_says_why()
    {
        var scenario = Scenario().Created("2026-06-08 09:00", "P1");
        var sla = TicketSla.Start(scenario.Policy, (TicketCreated)scenario.Events[0]);

        var result = sla.Apply(new TicketResumed(scenario.Local("2026-06-08 09:10"), "vendor"));

        Assert.Equal(EventEffect.Ignored, result.Effect);
        Assert.Contains("not paused", result.Reason, StringComparison.Ordinal);
    }

    private static TicketSla ApplyAll(TicketScenario scenario, int[] order)
    {
        var events = scenario.Events;
        var sla = TicketSla.Start(scenario.Policy, (TicketCreated)events[order[0]]);
        return order.Skip(1).Aggregate(sla, (s, i) => s.Apply(events[i]).Sla);
    }

    private static string Local(TicketScenario scenario, Instant instant) =>
        instant.InZone(scenario.Policy.Calendar.Zone).LocalDateTime.ToString("uuuu'-'MM'-'dd HH':'mm", null);

    private sealed class StatusComparer : IEqualityComparer<SlaStatus>
    {
        public bool Equals(SlaStatus? x, SlaStatus? y) =>
            x is not null && y is not null && x.Phases.SequenceEqual(y.Phases) && x.Pauses.SequenceEqual(y.Pauses);

        public int GetHashCode(SlaStatus obj) => obj.Phases.Length;
    }
}
