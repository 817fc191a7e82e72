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
/// <see cref="Version"/> is the workflow version the execution keeps to (docs/functions.md, "Upgrading the workflow").
/// </summary>
/// <remarks>
/// The policy definition travels in the input instead of being loaded by an activity: a policy version never
/// changes, so carrying it is as correct as loading it, it saves an activity round trip (and a database read)
/// per execution, and the orchestration stays a function of its input and history. It is a few kilobytes.
/// <see cref="Compaction"/> travels for the same reason: the orchestration folds its settled history with it,
/// and a replay must fold exactly as the first run did, whatever the host's configuration has become since.
/// </remarks>
public sealed record TicketSlaInput(
    TicketKey Ticket,
    PolicyDefinition Policy,
    SlaSnapshot Snapshot,
    ImmutableArray<SlaSignal> Signals
)
{
    /// <summary>
    /// What <see cref="Version"/> reads as in an input written before versions existed (it has no such field).
    /// </summary>
    public const int VersionWhenAbsent = 1;

    public ImmutableArray<FiredNotification> Unpublished { get; init; } = [];

    /// <summary>
    /// How the orchestration compacts the snapshot before each persist (the host's <c>SlaStoreOptions.Compaction</c>).
    /// Null in an input written before orchestrations compacted: that execution does not compact, and the next
    /// one it continues as gets <see cref="HistoryCompaction.Default"/>.
    /// </summary>
    public HistoryCompaction? Compaction { get; init; }

    /// <summary>
    /// The <see cref="TicketSlaWorkflow"/> version whose sequence of durable actions this execution follows. Whoever
    /// writes a new execution's input (a start, a restart from the snapshot, ContinueAsNew) writes
    /// <see cref="TicketSlaWorkflow.CurrentVersion"/>; a replay reads what the execution was started with.
    /// </summary>
    public int Version { get; init; } = VersionWhenAbsent;
}
