namespace SlaFunctions.Core.Durable;

/// <summary>Whether starting a ticket's SLA on the durable backend schedules its orchestration.</summary>
public static class StartDecision
{
    /// <summary>
    /// A new row always schedules. A repeated start schedules only when the row is durable and its instance is
    /// missing: the first start stored the row and died before Durable accepted the orchestration. A completed
    /// instance is not started again here: its SLA has ended, and only a signal (a reopen) restarts it.
    /// </summary>
    /// <param name="state">The instance's state; only asked for when the row existed already and is durable.</param>
    public static bool Schedules(bool rowCreated, string backend, InstanceState? state) =>
        rowCreated || (string.Equals(backend, "durable", StringComparison.Ordinal) && state == InstanceState.Missing);

    /// <summary>Whether <see cref="Schedules"/> needs the instance's state to decide.</summary>
    public static bool NeedsInstanceState(bool rowCreated, string backend) =>
        !rowCreated && string.Equals(backend, "durable", StringComparison.Ordinal);
}
