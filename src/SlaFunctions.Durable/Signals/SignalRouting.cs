using SlaFunctions.Core.Service;
using SlaFunctions.Durable.Instances;

namespace SlaFunctions.Durable.Signals;

/// <summary>How a ticket event reaches the SLA that owns the ticket.</summary>
public enum SignalAction
{
    /// <summary>The ticket is on the polling backend: apply it to the row in one transaction.</summary>
    ApplyDirectly,

    /// <summary>Raise it on the running orchestration.</summary>
    Raise,

    /// <summary>
    /// The orchestration is scheduled but has not run yet: an event raised now can be dropped. Wait for its first
    /// episode, then decide again.
    /// </summary>
    /// <remarks>
    /// The Azure Storage provider writes a start's queue message before its Instances row, and a worker that
    /// dequeues the message in between puts it back for later; an event that arrives meanwhile is dequeued on its
    /// own, finds no history, and is deleted ("No such instance").
    /// </remarks>
    AwaitStart,

    /// <summary>
    /// The orchestration is in its last episode (its SLA has ended): an event raised now could land after its
    /// code returned and be dropped with it. Wait for it to complete, then decide again.
    /// </summary>
    AwaitCompletion,

    /// <summary>No orchestration will take it: start a new execution from the stored snapshot with the event.</summary>
    Restart,

    /// <summary>The event is in the stored history already; nothing to do.</summary>
    Confirmed,
}

/// <summary>
/// Where a signal goes, from the ticket's row (its backend, whether its SLA has ended) and the orchestration's
/// state. Durable drops an event raised on an instance that completes before it reads it, and refuses one
/// raised on an instance that has completed; both cases end in a restart from the snapshot, never a loss.
/// </summary>
public static class SignalRouting
{
    /// <summary>The first delivery of a signal.</summary>
    public static SignalAction Deliver(SlaBackend backend, bool slaHasEnded, InstanceState state) =>
        backend == SlaBackend.Polling ? SignalAction.ApplyDirectly
        : state == InstanceState.Suspended ? SignalAction.Raise // buffered until an operator resumes it
        : state == InstanceState.Pending ? SignalAction.AwaitStart
        : state.IsAlive() ? (slaHasEnded ? SignalAction.AwaitCompletion : SignalAction.Raise)
        : SignalAction.Restart;

    /// <summary>
    /// A while after a raise: the signal is confirmed once the stored history holds it, or while a live
    /// orchestration with a running SLA still has it queued; otherwise it was dropped and is delivered again.
    /// </summary>
    public static SignalAction Confirm(
        bool historyHasEvent,
        SlaBackend backend,
        bool slaHasEnded,
        InstanceState state
    ) =>
        historyHasEvent ? SignalAction.Confirmed
        : Deliver(backend, slaHasEnded, state) is var action && action == SignalAction.Raise ? SignalAction.Confirmed
        : action;
}
