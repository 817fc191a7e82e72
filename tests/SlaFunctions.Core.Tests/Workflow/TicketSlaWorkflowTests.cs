using System.Text.Json.Nodes;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tests.Workflow.Replay;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Testing.Samples;
using static SlaFunctions.Core.Policies.SlaPhase;

namespace SlaFunctions.Core.Tests.Workflow;

/// <summary>The orchestration on the replaying fake host, New York 09:00-17:00 on weekdays (local times).</summary>
public class TicketSlaWorkflowTests
{
    // 2026-06-05 is a Friday, 2026-06-08 a Monday.
    private static TicketScenario Scenario() =>
        TicketScenario
            .NewYork9To5()
            .Target("P1", response: 60, resolution: 480, escalations: [70, 90, 110])
            .Target("P2", response: 240, resolution: 1440)
            .Target("P4", resolution: 4800);

    [Fact]
    public void Thresholds_fire_on_durable_timers_over_several_days_with_signals_between_them()
    {
        var s = Scenario()
            .Created("2026-06-05 15:00", "P2")
            .Status("2026-06-08 09:30", "awaiting_client")
            .Status("2026-06-08 14:00", "open")
            .Responded("2026-06-08 15:00")
            .Resolved("2026-06-10 12:00");

        var harness = TicketSlaHarness.Play(new Scenario(s.Policy, s.Events, s.Local("2026-06-11 09:00")));

        Assert.Equal(
            [
                (Response, "warning 50", "2026-06-05 17:00"),
                (Response, "warning 75", "2026-06-08 14:30"),
                (Resolution, "warning 50", "2026-06-09 15:30"),
            ],
            harness.Store.Published.Select(n => (n.Phase, Kind(n), Local(s, n.FiredAt)))
        );
        Assert.All(harness.Store.Published, n => Assert.Equal(n.DueAt, n.FiredAt));
        Assert.Equal(
            ScenarioRunner.Run(new Scenario(s.Policy, s.Events, s.Local("2026-06-11 09:00"))).Notifications,
            harness.Store.Published
        );
        Assert.Contains(new TimerCreated(0, s.Local("2026-06-05 17:00")), harness.Host.Executions[0]);
        Assert.False(harness.Host.IsRunning);
        Assert.IsType<ExecutionCompleted>(harness.Host.History[^1]);
        Assert.Equal(PhaseOutcome.Met, harness.Sla.StatusAt(s.Local("2026-06-11 09:00")).Resolution().Outcome);
    }

    [Fact]
    public void A_response_raised_at_the_due_instant_ahead_of_the_timer_in_the_same_batch_is_met_and_no_breach_fires()
    {
        var s = Scenario().Target("P1", response: 60).Thresholds(100).Created("2026-06-08 09:00", "P1");
        var harness = TicketSlaHarness.Start(s.Policy, s.Events[0]);
        harness.Host.AdvanceTo(s.Local("2026-06-08 10:00"));

        harness.Raise(new TicketResponded(s.Local("2026-06-08 10:00")));
        harness.Host.FireDueTimers();
        harness.Host.Settle();

        Assert.DoesNotContain(harness.Store.Published, n => n.Phase == Response);
        Assert.Equal(PhaseOutcome.Met, harness.Sla.StatusAt(s.Local("2026-06-08 10:00")).Response().Outcome);
        Assert.Contains([typeof(EventRaised), typeof(TimerFired)], Batches(harness.Host.History));
    }

    [Fact]
    public void A_response_arriving_just_behind_its_due_timer_finds_the_breach_sent_retracts_it_and_counts_as_met()
    {
        var s = Scenario().Target("P1", response: 60).Thresholds(100).Created("2026-06-08 09:00", "P1");
        var harness = TicketSlaHarness.Start(s.Policy, s.Events[0]);
        harness.Host.AdvanceTo(s.Local("2026-06-08 10:00"));

        harness.Host.FireDueTimers();
        harness.Raise(new TicketResponded(s.Local("2026-06-08 10:00")));
        harness.Host.Settle();

        // Events at an instant apply first, so the breach sent at 10:00 was untrue: it is retracted (SPEC §2).
        Assert.Equal(["breach 100", "retraction 100"], harness.Store.Published.Where(n => n.Phase == Response).Kinds());
        Assert.Equal(PhaseOutcome.Met, harness.Sla.StatusAt(s.Local("2026-06-08 10:00")).Response().Outcome);
        Assert.Contains([typeof(TimerFired), typeof(EventRaised)], Batches(harness.Host.History));
    }

    [Fact]
    public void Signals_raised_while_an_activity_is_pending_are_all_applied_in_arrival_order_at_their_own_instants()
    {
        var s = Scenario().Created("2026-06-08 09:00", "P1");
        var harness = TicketSlaHarness.Start(s.Policy, s.Events[0]);
        harness.Host.AdvanceTo(s.Local("2026-06-08 09:20"));
        TicketEvent[] signals =
        [
            new TicketPaused(s.Local("2026-06-08 09:10"), "vendor"),
            new TicketResumed(s.Local("2026-06-08 09:20"), "vendor"),
            new TicketStatusChanged(s.Local("2026-06-08 09:15"), "in_progress"),
        ];

        harness.Raise(signals[0]);
        harness.Host.Deliver();
        var persist = Assert.Single(harness.Host.PendingActivities);
        harness.Raise(signals[1]);
        harness.Raise(signals[2]);
        harness.Host.Deliver();
        Assert.Equal([persist], harness.Host.PendingActivities);
        harness.Host.Settle();

        Assert.Equal(signals, harness.Store.Audit.Select(a => a.Event));
        Assert.All(harness.Store.Audit, a => Assert.Equal(SignalOutcome.Applied, a.Outcome));
        Assert.Equal(harness.Store.Snapshot.Events.OrderBy(e => e.At), harness.Store.Snapshot.Events);
        Assert.Equal(1, harness.Host.MostWaiters);

        var until = s.Local("2026-06-09 12:00");
        harness.Host.RunUntil(until);
        var expected = ScenarioRunner.Run(new Scenario(s.Policy, [s.Events[0], .. signals.OrderBy(e => e.At)], until));
        Assert.Equal(expected.Notifications, harness.Store.Published);
        Assert.Empty(harness.Host.LostSignals);
    }

    [Fact]
    public void ContinueAsNew_carries_the_snapshot_and_the_signal_in_hand_and_the_rest_of_a_burst_follows()
    {
        var s = Scenario().Created("2026-06-08 09:00", "P4");
        var harness = TicketSlaHarness.Start(s.Policy, s.Events[0]);
        var at = s.Events[0].At;
        for (var i = 0; i < TicketSlaWorkflow.RoundsPerExecution; i++)
        {
            at += NodaTime.Duration.FromMinutes(1);
            harness.Host.AdvanceTo(at);
            harness.Raise(i % 2 == 0 ? new TicketPaused(at, "vendor") : new TicketResumed(at, "vendor"));
            harness.Host.Settle();
        }

        Assert.Single(harness.Host.Executions);
        TicketEvent[] burst =
        [
            new TicketStatusChanged(at, "on_hold"),
            new TicketStatusChanged(at, "open"),
            new TicketPaused(at, "awaiting_client"),
        ];
        foreach (var e in burst)
        {
            harness.Raise(e);
        }

        harness.Host.Settle();

        Assert.Equal(2, harness.Host.Executions.Count);
        var continued = DurableJsonOf<TicketSlaInput>(
            Assert.IsType<ExecutionContinued>(harness.Host.Executions[0][^1]).Input
        );
        Assert.Equal([burst[0]], continued.Signals.Select(x => x.Event));
        Assert.Equal(TicketSlaWorkflow.RoundsPerExecution + 1, continued.Snapshot.Events.Length);
        Assert.Equal(HistoryCompaction.Default, continued.Compaction); // the harness's input had none, as one from before compaction
        Assert.Equal(
            [typeof(ExecutionStarted), typeof(EventRaised), typeof(EventRaised)],
            harness.Host.Executions[1].Where(e => e is ExecutionStarted or EventRaised).Select(e => e.GetType())
        );
        Assert.Equal(burst, harness.Store.Audit.TakeLast(3).Select(a => a.Event));
        Assert.Equal(harness.Signals, harness.Store.Audit.Count);
        Assert.Empty(harness.Host.LostSignals);
        Assert.Equal(TicketSlaWorkflow.RoundsPerExecution + burst.Length + 1, harness.Store.Snapshot.Events.Length);
    }

    [Fact]
    public void An_execution_started_before_versions_existed_keeps_to_version_1_and_continues_as_new_on_the_current_one()
    {
        var s = Scenario().Created("2026-06-08 09:00", "P1");
        var harness = TicketSlaHarness.Start(s.Policy, s.Events[0], stored: WithoutVersion);
        harness.Host.AdvanceTo(s.Local("2026-06-08 09:10"));
        harness.Raise(new TicketPriorityChanged(s.Local("2026-06-08 09:10"), "P2"));
        harness.Host.Settle();
        harness.Host.AdvanceTo(s.Local("2026-06-08 09:20"));
        harness.Raise(new TicketPaused(s.Local("2026-06-08 09:20"), "vendor"));
        harness.Host.Settle();

        var started = harness.Host.Executions[0].OfType<ExecutionStarted>().Single().Input;
        Assert.False(JsonNode.Parse(started)!.AsObject().ContainsKey("version"));
        Assert.Equal(TicketSlaInput.VersionWhenAbsent, DurableJsonOf<TicketSlaInput>(started).Version);
        var continued = Assert.IsType<ExecutionContinued>(harness.Host.Executions[0][^1]).Input;
        Assert.Equal(TicketSlaWorkflow.CurrentVersion, JsonNode.Parse(continued)!["version"]!.GetValue<int>());
        Assert.Equal(2, harness.Host.Executions.Count);
        Assert.Equal(harness.Signals, harness.Store.Audit.Count);
    }

    [Fact]
    public void A_timer_that_fires_early_is_armed_again_a_second_out_and_the_threshold_fires_once_on_time()
    {
        // 1 % of a one-minute target: due 0.6 s after 09:00, where the timer is armed; its delay truncates to 0 s.
        var s = Scenario().Target("P1", response: 1).Thresholds(1).Created("2026-06-08 09:00", "P1");
        var harness = TicketSlaHarness.Start(s.Policy, s.Events[0], wholeSecondTimerDelays: true);
        var (armed, due) = (
            s.Local("2026-06-08 09:00"),
            s.Local("2026-06-08 09:00") + NodaTime.Duration.FromMilliseconds(600)
        );

        harness.Host.RunUntil(armed + NodaTime.Duration.FromSeconds(5));

        var fired = Assert.Single(harness.Store.Published);
        Assert.Equal(due, fired.DueAt);
        // The retry, armed for 09:00:01.6, is visible after its truncated delay of 1 s: 0.4 s late, not early, no spin.
        Assert.Equal(armed + NodaTime.Duration.FromSeconds(1), fired.FiredAt);
        Assert.Equal(
            [due, due + TicketSlaWorkflow.EarlyTimerRetry],
            harness.Host.Executions[0].OfType<TimerCreated>().Select(t => t.FireAt).Take(2)
        );
        Assert.Equal(
            2,
            harness
                .Host.Executions[0]
                .OfType<TimerCreated>()
                .Count(t => t.FireAt < armed + NodaTime.Duration.FromSeconds(5))
        );
    }

    [Fact]
    public void A_version_1_execution_keeps_arming_an_early_timer_for_its_instant()
    {
        var s = Scenario().Target("P1", response: 1).Thresholds(1).Created("2026-06-08 09:00", "P1");

        // Armed again for its instant, 0.6 s out, the timer's delay truncates to nothing again: on Azure Storage the
        // instance spins through empty episodes until the instant has passed; here, where the clock stands still
        // within an episode, it never settles.
        var e = Assert.Throws<InvalidOperationException>(() =>
            TicketSlaHarness.Start(s.Policy, s.Events[0], stored: WithoutVersion, wholeSecondTimerDelays: true)
        );
        Assert.Contains("did not settle", e.Message);
    }

    [Fact]
    public void An_input_of_a_version_newer_than_the_code_fails_the_execution_naming_the_version()
    {
        var s = Scenario().Created("2026-06-08 09:00", "P1");
        var newer = TicketSlaWorkflow.CurrentVersion + 1;

        var e = Assert.Throws<InvalidOperationException>(() =>
            TicketSlaHarness.Start(
                s.Policy,
                s.Events[0],
                stored: input => DurableJson.Serialize(input with { Version = newer })
            )
        );

        Assert.Contains($"workflow version {newer}", e.Message);
    }

    [Fact]
    public void A_phase_change_continues_as_new_at_the_next_signal()
    {
        var s = Scenario().Created("2026-06-08 09:00", "P1");
        var harness = TicketSlaHarness.Start(s.Policy, s.Events[0]);
        harness.Host.AdvanceTo(s.Local("2026-06-08 09:10"));
        harness.Raise(new TicketResponded(s.Local("2026-06-08 09:10")));
        harness.Host.Settle();
        Assert.Single(harness.Host.Executions);

        harness.Host.AdvanceTo(s.Local("2026-06-08 09:20"));
        harness.Raise(new TicketPaused(s.Local("2026-06-08 09:20"), "vendor"));
        harness.Host.Settle();

        Assert.Equal(2, harness.Host.Executions.Count);
        Assert.Equal(3, harness.Store.Snapshot.Events.Length);
    }

    [Fact]
    public void A_priority_change_fires_at_once_what_the_new_target_puts_behind_it_and_nothing_twice()
    {
        var s = Scenario().Created("2026-06-08 09:00", "P2").Priority("2026-06-08 12:00", "P1");

        var harness = TicketSlaHarness.Play(new Scenario(s.Policy, s.Events, s.Local("2026-06-08 13:00")));

        var response = harness.Store.Published.Where(n => n.Phase == Response).ToList();
        Assert.Equal(
            [
                ("warning 50", "2026-06-08 11:00", "2026-06-08 11:00"),
                ("escalation 70 L1", "2026-06-08 09:42", "2026-06-08 12:00"),
                ("warning 75", "2026-06-08 09:45", "2026-06-08 12:00"),
                ("warning 90", "2026-06-08 09:54", "2026-06-08 12:00"),
                ("escalation 90 L2", "2026-06-08 09:54", "2026-06-08 12:00"),
                ("breach 100", "2026-06-08 10:00", "2026-06-08 12:00"),
                ("escalation 110 L3", "2026-06-08 10:06", "2026-06-08 12:00"),
            ],
            response
                .OrderBy(n => n.FiredAt)
                .ThenBy(n => n.DueAt)
                .ThenBy(n => n.Kind)
                .Select(n => (Kind(n), Local(s, n.DueAt), Local(s, n.FiredAt)))
        );
        Assert.Equal(
            ScenarioRunner.Run(new Scenario(s.Policy, s.Events, s.Local("2026-06-08 13:00"))).Notifications,
            harness.Store.Published
        );
    }

    [Fact]
    public void A_reopen_after_the_orchestration_ended_restarts_it_from_the_persisted_snapshot_on_a_new_cycle()
    {
        var s = Scenario().Created("2026-06-08 09:00", "P1").Responded("2026-06-08 09:30").Resolved("2026-06-08 11:00");
        var harness = TicketSlaHarness.Play(new Scenario(s.Policy, s.Events, s.Local("2026-06-08 12:00")));
        Assert.False(harness.Host.IsRunning);
        var reopen = new TicketReopened(s.Local("2026-06-09 09:00"));
        Assert.Throws<InvalidOperationException>(() => harness.Host.Raise(new SlaSignal(reopen)));

        harness.Host.AdvanceTo(reopen.At);
        harness.Send(reopen);
        harness.Host.RunUntil(s.Local("2026-06-10 09:00"));

        var restart = DurableJsonOf<TicketSlaInput>(Assert.IsType<ExecutionStarted>(harness.Host.History[1]).Input);
        Assert.Equal([reopen], restart.Signals.Select(x => x.Event));
        Assert.Equal(s.Events.Length, restart.Snapshot.Events.Length);
        var cycle2 = harness.Store.Published.Where(n => n.Cycle == 2).ToList();
        Assert.Equal(
            ["warning 50", "escalation 70 L1", "warning 75", "warning 90", "escalation 90 L2", "breach 100"],
            cycle2.Kinds()
        );
        Assert.Equal(s.Local("2026-06-09 13:00"), cycle2[0].FiredAt);
        Assert.Equal(s.Local("2026-06-09 17:00"), cycle2[^1].FiredAt);
        Assert.True(harness.Host.IsRunning);
    }

    [Fact]
    public void A_cancel_ends_the_orchestration_with_its_timer_cancelled_and_nothing_fires_after_it()
    {
        var s = Scenario().Created("2026-06-08 09:00", "P1");
        var harness = TicketSlaHarness.Start(s.Policy, s.Events[0]);
        harness.Host.AdvanceTo(s.Local("2026-06-08 09:40"));

        harness.Raise(new TicketCancelled(s.Local("2026-06-08 09:40")));
        harness.Host.RunUntil(s.Local("2026-06-09 17:00"));

        Assert.False(harness.Host.IsRunning);
        Assert.True(harness.Sla.HasEnded);
        Assert.Null(harness.Sla.NextWakeAt);
        Assert.Equal(["warning 50"], harness.Store.Published.Kinds());
        Assert.DoesNotContain(
            harness.Host.History,
            e => e is TimerFired fired && fired.FireAt > s.Local("2026-06-08 09:40")
        );
    }

    [Fact]
    public void An_invalid_signal_is_audited_as_rejected_and_the_orchestration_goes_on()
    {
        var s = Scenario().Target("P1", response: 60).Created("2026-06-08 09:00", "P1");
        var harness = TicketSlaHarness.Start(s.Policy, s.Events[0]);
        harness.Host.AdvanceTo(s.Local("2026-06-08 09:10"));

        harness.Raise(new TicketPriorityChanged(s.Local("2026-06-08 09:10"), "P9"));
        harness.Raise(new TicketResponded(s.Local("2026-06-08 08:00")));
        harness.Host.RunUntil(s.Local("2026-06-08 11:00"));

        Assert.Equal([SignalOutcome.Rejected, SignalOutcome.Rejected], harness.Store.Audit.Select(a => a.Outcome));
        Assert.Contains("'P9' is not a priority", harness.Store.Audit[0].Reason);
        Assert.Equal(["warning 50", "warning 75", "warning 90", "breach 100"], harness.Store.Published.Kinds());
        Assert.True(harness.Host.IsRunning);
    }

    [Fact]
    public void A_duplicate_signal_is_audited_as_such_and_applied_once()
    {
        var s = Scenario().Created("2026-06-08 09:00", "P1");
        var harness = TicketSlaHarness.Start(s.Policy, s.Events[0]);
        harness.Host.AdvanceTo(s.Local("2026-06-08 09:10"));
        var pause = new TicketPaused(s.Local("2026-06-08 09:10"), "vendor") { Id = "evt-1" };

        harness.Raise(pause);
        harness.Raise(pause);
        harness.Host.Settle();

        Assert.Equal([SignalOutcome.Applied, SignalOutcome.Duplicate], harness.Store.Audit.Select(a => a.Outcome));
        Assert.Equal([s.Events[0], pause], harness.Store.Snapshot.Events.AsEnumerable());
    }

    /// <summary>The messages each episode delivered, in order.</summary>
    private static List<Type[]> Batches(IReadOnlyList<HistoryEvent> history) =>
        [
            .. history
                .Select((e, i) => (e, i))
                .Where(x => x.e is OrchestratorStarted)
                .Select(x =>
                    history
                        .Skip(x.i + 1)
                        .TakeWhile(e => e is not OrchestrationAction and not OrchestratorStarted)
                        .Select(e => e.GetType())
                        .ToArray()
                ),
        ];

    private static string Kind(FiredNotification n) => new[] { n }.Kinds()[0];

    private static string Local(TicketScenario s, NodaTime.Instant at) =>
        at.InZone(s.Policy.Calendar.Zone).LocalDateTime.ToString("uuuu-MM-dd HH:mm", null);

    private static T DurableJsonOf<T>(string json) => DurableJson.Deserialize<T>(json);

    /// <summary>The input as the code before workflow versions wrote it: without the field.</summary>
    private static string WithoutVersion(TicketSlaInput input)
    {
        var json = JsonNode.Parse(DurableJson.Serialize(input))!.AsObject();
        Assert.True(json.Remove("version"));
        return json.ToJsonString();
    }
}
