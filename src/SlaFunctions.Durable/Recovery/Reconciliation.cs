using SlaFunctions.Durable.Instances;

namespace SlaFunctions.Durable.Recovery;

public enum ReconcileAction
{
    /// <summary>The orchestration is alive; it is only late (queue polling, a backlog).</summary>
    None,

    /// <summary>Start a new execution from the stored snapshot.</summary>
    Restart,

    /// <summary>Hand the ticket to the polling engine: the orchestration failed or was terminated on purpose.</summary>
    MoveToPolling,
}

/// <summary>
/// What to do with a durable ticket whose next wake-up is well past (its orchestration should have fired and
/// stored a later one). A missing instance, or one that completed while its SLA still had something to fire,
/// lost its state in Durable only: the snapshot is the truth, so it restarts. A failed one would likely fail
/// again on the same input, and a terminated one was stopped by an operator: the polling engine takes over.
/// </summary>
public static class Reconciliation
{
    public static ReconcileAction Decide(InstanceState state, bool slaHasEnded) =>
        state switch
        {
            _ when state.IsAlive() => ReconcileAction.None,
            InstanceState.Completed when slaHasEnded => ReconcileAction.None,
            InstanceState.Missing or InstanceState.Completed => ReconcileAction.Restart,
            _ => ReconcileAction.MoveToPolling,
        };
}
