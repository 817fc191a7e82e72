using System.Collections.Immutable;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Workflow;
using SlaFunctions.Postgres.Tickets;

namespace SlaFunctions.Postgres.Durable;

/// <summary>
/// A ticket's row as the durable backend needs it: who drives it, its SLA, the policy version to restart it with,
/// and its tenant's settings (read with the row), which judge a signal late.
/// </summary>
public sealed record DurableTicket(
    TicketKey Ticket,
    SlaBackend Backend,
    long Version,
    TicketSla Sla,
    PolicyDefinition Policy,
    TenantSettings Settings
)
{
    /// <summary>
    /// The input of a new execution of the ticket's orchestration from this snapshot, on the current workflow
    /// version; it compacts as <paramref name="compaction"/> says (the polling store's <see
    /// cref="SlaStoreOptions.Compaction"/>).
    /// </summary>
    public TicketSlaInput Input(ImmutableArray<SlaSignal> signals, HistoryCompaction compaction) =>
        new(Ticket, Policy, Sla.ToSnapshot(), signals)
        {
            Compaction = compaction,
            Version = TicketSlaWorkflow.CurrentVersion,
        };
}
