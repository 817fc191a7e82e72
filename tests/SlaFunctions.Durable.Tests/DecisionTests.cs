using SlaFunctions.Core.Service;
using SlaFunctions.Durable.Instances;
using SlaFunctions.Durable.Recovery;
using SlaFunctions.Durable.Signals;
using SlaFunctions.Durable.Tickets;
using static SlaFunctions.Durable.Instances.InstanceState;
using static SlaFunctions.Durable.Signals.SignalAction;

namespace SlaFunctions.Durable.Tests;

/// <summary>The host-side decisions of the durable backend, row by row.</summary>
public class DecisionTests
{
    [Theory]
    [InlineData(SlaBackend.Polling, false, Running, ApplyDirectly)]
    [InlineData(SlaBackend.Polling, true, Missing, ApplyDirectly)]
    [InlineData(SlaBackend.Durable, false, Running, Raise)]
    [InlineData(SlaBackend.Durable, false, Pending, AwaitStart)]
    [InlineData(SlaBackend.Durable, true, Suspended, Raise)]
    [InlineData(SlaBackend.Durable, true, Running, AwaitCompletion)]
    [InlineData(SlaBackend.Durable, true, Pending, AwaitStart)]
    [InlineData(SlaBackend.Durable, true, Completed, Restart)]
    [InlineData(SlaBackend.Durable, false, Completed, Restart)]
    [InlineData(SlaBackend.Durable, false, Missing, Restart)]
    [InlineData(SlaBackend.Durable, false, Failed, Restart)]
    [InlineData(SlaBackend.Durable, false, Terminated, Restart)]
    public void A_signal_goes_where_it_will_be_read(
        SlaBackend backend,
        bool ended,
        InstanceState state,
        SignalAction expected
    ) => Assert.Equal(expected, SignalRouting.Deliver(backend, ended, state));

    [Theory]
    [InlineData(true, SlaBackend.Durable, true, Completed, Confirmed)]
    [InlineData(false, SlaBackend.Durable, false, Running, Confirmed)]
    [InlineData(false, SlaBackend.Durable, false, Pending, AwaitStart)]
    [InlineData(false, SlaBackend.Durable, true, Running, AwaitCompletion)]
    [InlineData(false, SlaBackend.Durable, true, Completed, Restart)]
    [InlineData(false, SlaBackend.Durable, false, Missing, Restart)]
    [InlineData(false, SlaBackend.Polling, false, Missing, ApplyDirectly)]
    public void A_raised_signal_that_the_history_lacks_after_its_instance_stopped_is_delivered_again(
        bool inHistory,
        SlaBackend backend,
        bool ended,
        InstanceState state,
        SignalAction expected
    ) => Assert.Equal(expected, SignalRouting.Confirm(inHistory, backend, ended, state));

    [Theory]
    [InlineData(true, SlaBackend.Durable, null, true)]
    [InlineData(false, SlaBackend.Durable, Missing, true)]
    [InlineData(false, SlaBackend.Durable, Running, false)]
    [InlineData(false, SlaBackend.Durable, Completed, false)]
    [InlineData(false, SlaBackend.Polling, Missing, false)]
    public void A_repeated_start_schedules_only_an_orchestration_that_never_got_scheduled(
        bool created,
        SlaBackend backend,
        InstanceState? state,
        bool schedules
    )
    {
        Assert.Equal(schedules, StartDecision.Schedules(created, backend, state));
        Assert.Equal(!created && backend == SlaBackend.Durable, StartDecision.NeedsInstanceState(created, backend));
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
    public void An_overdue_durable_ticket_restarts_or_moves_to_polling(
        InstanceState state,
        bool ended,
        ReconcileAction expected
    ) => Assert.Equal(expected, Reconciliation.Decide(state, ended));
}
