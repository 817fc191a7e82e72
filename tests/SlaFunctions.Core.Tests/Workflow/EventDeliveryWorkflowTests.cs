using NodaTime;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tests.Workflow.Replay;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Testing.Samples;

namespace SlaFunctions.Core.Tests.Workflow;

/// <summary>The delivery orchestration on the replaying fake host.</summary>
public class EventDeliveryWorkflowTests
{
    private static readonly Instant Now = At.Utc("2026-06-08T13:00:00Z");

    private static readonly TicketKey A = new("acme", "T-1");
    private static readonly TicketKey B = new("acme", "T-2");

    [Fact]
    public void Dead_letters_go_first_then_each_signal_in_order_and_nothing_waits_when_nothing_was_raised()
    {
        var calls = new List<string>();
        var input = new EventDeliveryInput(
            [new DeadLetterRequest("acme", "x", "ParkingExpired", "late", "{}")],
            [Signal(A, "e1"), Signal(A, "e2"), Signal(B, "e1")]
        );
        var host = Host(input, calls, _ => DeliveryReceipt.Applied);

        host.Settle();

        Assert.Equal(["dead-letter x", "deliver T-1 e1", "deliver T-1 e2", "deliver T-2 e1"], calls);
        Assert.False(host.IsRunning);
        Assert.DoesNotContain(host.History, e => e is TimerCreated);
    }

    [Fact]
    public void Raised_signals_are_confirmed_after_a_durable_timer_and_the_others_are_not()
    {
        var calls = new List<string>();
        var input = new EventDeliveryInput([], [Signal(A, "e1"), Signal(B, "e1")]);
        var host = Host(input, calls, r => r.Ticket == A ? DeliveryReceipt.Raised : DeliveryReceipt.Restarted);

        host.Settle();
        Assert.True(host.IsRunning);
        Assert.Contains(new TimerCreated(2, Now + EventDeliveryWorkflow.ConfirmAfter), host.History);

        host.RunUntil(Now + EventDeliveryWorkflow.ConfirmAfter);

        Assert.Equal(["deliver T-1 e1", "deliver T-2 e1", "confirm T-1 e1"], calls);
        Assert.False(host.IsRunning);
    }

    private static DeliverSignalRequest Signal(TicketKey ticket, string id) =>
        new(ticket, new SlaSignal(new TicketResponded(Now) { Id = id }));

    private static FakeDurableHost Host(
        EventDeliveryInput input,
        List<string> calls,
        Func<DeliverSignalRequest, DeliveryReceipt> deliver
    )
    {
        var host = new FakeDurableHost((context, _) => EventDeliveryWorkflow.RunAsync(context, input), Now)
            .Activity<DeadLetterRequest, bool>(
                SlaActivities.DeadLetter.Name,
                r =>
                {
                    calls.Add($"dead-letter {r.EventId}");
                    return true;
                }
            )
            .Activity<DeliverSignalRequest, DeliveryReceipt>(
                SlaActivities.Deliver.Name,
                r =>
                {
                    calls.Add($"deliver {r.Ticket.TicketId} {r.Signal.Event.Id}");
                    return deliver(r);
                }
            )
            .Activity<DeliverSignalRequest, DeliveryReceipt>(
                SlaActivities.Confirm.Name,
                r =>
                {
                    calls.Add($"confirm {r.Ticket.TicketId} {r.Signal.Event.Id}");
                    return DeliveryReceipt.Confirmed;
                }
            );
        host.Start(AnyTicketInput());
        return host;
    }

    /// <summary>The fake host starts executions with a ticket input; the delivery workflow ignores it.</summary>
    private static TicketSlaInput AnyTicketInput()
    {
        var scenario = TicketScenario.NewYork9To5().Target("P1", response: 60).Created("2026-06-08 09:00", "P1");
        var sla = TicketSla.Start(scenario.Policy, (TicketCreated)scenario.Events[0]);
        return new TicketSlaInput(A, PolicyDefinitions.From(scenario.Policy), sla.ToSnapshot(), []);
    }
}
