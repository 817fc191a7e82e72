using SlaFunctions.Core.Service;
using SlaFunctions.Durable.Instances;

namespace SlaFunctions.Durable.Tickets;

/// <summary>Whether starting a ticket's SLA on the durable backend schedules its orchestration.</summary>
public static class StartDecision
{
    /// <summary>
    /// A new row always schedules. A repeated start schedules only when the row is durable and its instance is
    /// missing: the first start stored the row and died before Durable accepted the orchestration. A completed
    /// instance is not started again here: its SLA has ended, and only a signal (a reopen) restarts it.
    /// </summary>
    /// <param name="state">The instance's state; only asked for when the row existed already and is durable.</param>
    public static bool Schedules(bool rowCreated, SlaBackend backend, InstanceState? state) =>
        rowCreated || (backend == SlaBackend.Durable && state == InstanceState.Missing);

    /// <summary>Whether <see cref="Schedules"/> needs the instance's state to decide.</summary>
    public static bool NeedsInstanceState(bool rowCreated, SlaBackend backend) =>
        !rowCreated && backend == SlaBackend.Durable;
}
