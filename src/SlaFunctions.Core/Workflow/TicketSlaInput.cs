using System.Collections.Immutable;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Workflow;

/// <summary>
/// What one execution of <see cref="TicketSlaWorkflow"/> starts from. <see cref="Signals"/> are applied first,
/// in order: those a previous execution handed over at ContinueAsNew, or the one that restarts an ended SLA.
/// <see cref="Unpublished"/> are notifications already stored but not yet sent, published before anything else:
/// those the start fired because they fell due before it (a ticket created in the past).
/// </summary>
/// <remarks>
/// The policy definition travels in the input instead of being loaded by an activity: a policy version never
/// changes, so carrying it is as correct as loading it, it saves an activity round trip (and a database read)
/// per execution, and the orchestration stays a function of its input and history. It is a few kilobytes.
/// </remarks>
public sealed record TicketSlaInput(TicketKey Ticket, PolicyDefinition Policy, SlaSnapshot Snapshot, ImmutableArray<SlaSignal> Signals)
{
    public ImmutableArray<FiredNotification> Unpublished { get; init; } = [];
}
