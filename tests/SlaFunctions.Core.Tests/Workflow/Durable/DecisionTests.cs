using SlaFunctions.Core.Durable;
using static SlaFunctions.Core.Durable.InstanceState;
using static SlaFunctions.Core.Durable.SignalAction;

namespace SlaFunctions.Core.Tests.Workflow.Durable;

/// <summary>The host-side decisions of the durable backend, row by row.</summary>
public class DecisionTests
{
    [Theory]
    [InlineData("polling", false, Running, ApplyDirectly)]
    [InlineData("polling", true, Missing, ApplyDirectly)]
    [InlineData("durable", false, Running, Raise)]
    [InlineData("durable", false, Pending, AwaitStart)]
    [InlineData("durable", true, Suspended, Raise)]
    [InlineData("durable", true, Running, AwaitCompletion)]
    [InlineData("durable", true, Pending, AwaitStart)]
    [InlineData("durable", true, Completed, Restart)]
    [InlineData("durable", false, Completed, Restart)]
    [InlineData("durable", false, Missing, Restart)]
    [InlineData("durable", false, Failed, Restart)]
    [InlineData("durable", false, Terminated, Restart)]
    public void A_signal_goes_where_it_will_be_read(string backend, bool ended, InstanceState state, SignalAction expected) =>
        Assert.Equal(expected, SignalRouting.Deliver(backend, ended, state));

    [Theory]
    [InlineData(true, "durable", true, Completed, Confirmed)]
    [InlineData(false, "durable", false, Running, Confirmed)]
    [InlineData(false, "durable", false, Pending, AwaitStart)]
    [InlineData(false, "durable", true, Running, AwaitCompletion)]
    [InlineData(false, "durable", true, Completed, Restart)]
    [InlineData(false, "durable", false, Missing, Restart)]
    [InlineData(false, "polling", false, Missing, ApplyDirectly)]
    public void A_raised_signal_that_the_history_lacks_after_its_instance_stopped_is_delivered_again(
        bool inHistory, string backend, bool ended, InstanceState state, SignalAction expected) =>
        Assert.Equal(expected, SignalRouting.Confirm(inHistory, backend, ended, state));

    [Theory]
    [InlineData(true, "durable", null, true)]
    [InlineData(false, "durable", Missing, true)]
    [InlineData(false, "durable", Running, false)]
    [InlineData(false, "durable", Completed, false)]
    [InlineData(false, "polling", Missing, false)]
    public void A_repeated_start_schedules_only_an_orchestration_that_never_got_scheduled(bool created, string backend, InstanceState? state, bool schedules)
    {
        Assert.Equal(schedules, StartDecision.Schedules(created, backend, state));
        Assert.Equal(!created && backend == "durable", StartDecision.NeedsInstanceState(created, backend));
    }

    [Theory]
    [InlineData(Running, false, ReconcileAction.None)]
    [InlineData(Pending, false, ReconcileAction.None)]
    [InlineData(Suspended, false, ReconcileAction.None)]
    [InlineData(Missing, false, ReconcileAction.Restart)]
    [InlineData(Completed, false, ReconcileAction.Restart)]
    [InlineData(Completed, true, ReconcileAction.None)]
    [InlineData(Failed, false, ReconcileAction.MoveToPolling)]
    [InlineData(Terminated, false, ReconcileAction.MoveToPolling)]
    public void An_overdue_durable_ticket_restarts_or_moves_to_polling(InstanceState state, bool ended, ReconcileAction expected) =>
        Assert.Equal(expected, Reconciliation.Decide(state, ended));
}
