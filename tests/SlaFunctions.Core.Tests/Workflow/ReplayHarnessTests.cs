using NodaTime;
using SlaFunctions.Core.Tests.Workflow.Replay;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Core.Tests.Workflow;

/// <summary>The fake host catches what Durable would reject, and delivers events the way Durable does.</summary>
public class ReplayHarnessTests
{
    private static readonly TicketScenario Ticket = TicketScenario
        .NewYork9To5()
        .Target("P1", response: 60)
        .Created("2026-06-08 09:00", "P1");
    private static readonly Instant Start = Ticket.Events[0].At;
    private static readonly SlaSignal Signal = new(new TicketResponded(Start));

    [Fact]
    public void An_orchestration_that_reads_the_wall_clock_is_reported_as_non_deterministic()
    {
        var host = Started(
            async (context, _) =>
                await context.CreateTimer(
                    Instant.FromDateTimeUtc(DateTime.UtcNow) + Duration.FromHours(1),
                    CancellationToken.None
                )
        );

        host.Raise(Signal);
        Assert.Throws<NonDeterministicOrchestrationException>(host.Deliver);
    }

    [Fact]
    public void An_orchestration_that_draws_a_guid_is_reported_as_non_deterministic()
    {
        var host = Started(
            async (context, _) =>
            {
                var seconds = BitConverter.ToUInt32(Guid.NewGuid().ToByteArray());
                await context.CreateTimer(
                    context.CurrentInstant + Duration.FromSeconds(seconds),
                    CancellationToken.None
                );
            }
        );

        host.Raise(Signal);
        Assert.Throws<NonDeterministicOrchestrationException>(host.Deliver);
    }

    [Fact]
    public void The_same_orchestration_on_the_context_clock_replays_cleanly_to_its_end()
    {
        var host = Started(
            async (context, _) =>
                await context.CreateTimer(context.CurrentInstant + Duration.FromHours(1), CancellationToken.None)
        );

        host.Raise(Signal);
        host.RunUntil(Start + Duration.FromHours(2));

        Assert.False(host.IsRunning);
        Assert.Equal(
            [
                typeof(OrchestratorStarted),
                typeof(ExecutionStarted),
                typeof(TimerCreated),
                typeof(OrchestratorStarted),
                typeof(EventRaised),
                typeof(OrchestratorStarted),
                typeof(TimerFired),
                typeof(ExecutionCompleted),
            ],
            host.History.Select(e => e.GetType())
        );
        Assert.Equal(new TimerCreated(0, Start + Duration.FromHours(1)), host.History[2]);
    }

    [Fact]
    public void A_replay_that_calls_another_activity_is_reported()
    {
        var runs = 0;
        var host = Started(
            async (context, _) =>
                await context.CallActivityAsync(new SlaActivity<string, int>(runs++ == 0 ? "A" : "B"), "input")
        );
        host.Activity<string, int>("A", _ => 1).Activity<string, int>("B", _ => 1);

        Assert.Single(host.PendingActivities);
        host.CompleteActivities();
        var divergence = Assert.Throws<NonDeterministicOrchestrationException>(host.Deliver);
        Assert.Contains("TaskScheduled", divergence.Message);
    }

    [Fact]
    public void A_replay_that_does_less_than_the_history_records_is_reported()
    {
        var runs = 0;
        var host = Started(
            async (context, _) =>
            {
                if (runs++ == 0)
                {
                    await context.WaitForSignal();
                }
            }
        );

        host.Raise(Signal);
        var divergence = Assert.Throws<NonDeterministicOrchestrationException>(host.Deliver);
        Assert.Contains("stopped after 0 of the 1", divergence.Message);
    }

    [Fact]
    public void An_orchestration_that_returns_with_its_timer_running_is_reported()
    {
        var host = new FakeDurableHost(
            (context, _) =>
            {
                context.CreateTimer(context.CurrentInstant + Duration.FromHours(1), CancellationToken.None);
                return Task.CompletedTask;
            },
            Start
        );
        host.Start(Input());

        var error = Assert.Throws<InvalidOperationException>(host.Deliver);
        Assert.Contains("timers still running: #0", error.Message);
    }

    [Fact]
    public void Events_raised_before_anyone_waits_are_kept_and_handed_to_the_next_waiters_in_arrival_order()
    {
        var host = Started(
            async (context, _) =>
            {
                await context.CreateTimer(context.CurrentInstant + Duration.FromHours(1), CancellationToken.None);
                var first = await context.WaitForSignal();
                var second = await context.WaitForSignal();
                await context.CallActivityAsync(
                    new SlaActivity<Instant[], int>("Record"),
                    new[] { first.Event.At, second.Event.At }
                );
            }
        );
        var received = new List<Instant[]>();
        host.Activity<Instant[], int>(
            "Record",
            ats =>
            {
                received.Add(ats);
                return ats.Length;
            }
        );

        host.Raise(new SlaSignal(new TicketResponded(Start + Duration.FromMinutes(2))));
        host.Raise(new SlaSignal(new TicketResponded(Start + Duration.FromMinutes(1))));
        host.Settle();
        Assert.Empty(received);

        host.RunUntil(Start + Duration.FromHours(1));
        Assert.Equal([Start + Duration.FromMinutes(2), Start + Duration.FromMinutes(1)], Assert.Single(received));
        Assert.False(host.IsRunning);
    }

    [Fact]
    public void Raising_an_event_on_a_completed_instance_is_refused()
    {
        var host = Started((_, _) => Task.CompletedTask);
        host.Settle();

        Assert.False(host.IsRunning);
        Assert.Throws<InvalidOperationException>(() => host.Raise(Signal));
    }

    /// <summary>The orchestration after its first episode.</summary>
    private static FakeDurableHost Started(Func<ISlaOrchestrationContext, TicketSlaInput, Task> orchestration)
    {
        var host = new FakeDurableHost(orchestration, Start);
        host.Start(Input());
        host.Deliver();
        return host;
    }

    private static TicketSlaInput Input() =>
        new(
            new("tenant-1", "ticket-1"),
            PolicyDefinitions.From(Ticket.Policy),
            TicketSla.Start(Ticket.Policy, (TicketCreated)Ticket.Events[0]).ToSnapshot(),
            []
        );
}
