using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Workflow;

/// <summary>
/// The SLA after one round of the orchestration, as of <see cref="At"/> (the orchestration's now): what fired
/// in that round, or the signal it handled with its outcome for the audit log.
/// </summary>
public sealed record PersistSlaRequest(
    TicketKey Ticket,
    Instant At,
    SlaSnapshot Snapshot,
    ImmutableArray<FiredNotification> Fired,
    SignalRecord? Signal
);

/// <summary>A signal and what became of it.</summary>
public sealed record SignalRecord(TicketEvent Event, SignalOutcome Outcome, string? Reason);

public enum SignalOutcome
{
    Applied,

    /// <summary>An event with the same id was applied before.</summary>
    Duplicate,

    /// <summary>Recorded, but it changes nothing (for example a resume without a pause).</summary>
    Ignored,

    /// <summary>Invalid input (before the ticket was created, or an unknown priority): not applied.</summary>
    Rejected,

    /// <summary>Late by more than the tenant's late-event tolerance (SPEC §2 "Late events"): not applied.</summary>
    TooLate,
}
