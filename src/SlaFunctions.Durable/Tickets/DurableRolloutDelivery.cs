using SlaFunctions.Core.Rollouts;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Durable.Tickets;

/// <summary>
/// A rollout's change to a durable ticket: the command protocol's signal, received at the change's instant. Sent again
/// after a batch that did not commit, it is the same event (its id is the rollout's), applied once.
/// </summary>
public sealed class DurableRolloutDelivery(DurableSlaService tickets) : IRolloutDelivery
{
    public Task DeliverAsync(TicketKey ticket, TicketDefinitionsChanged change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        return tickets.ApplyAsync(ticket, change, change.At, cancellationToken);
    }
}
