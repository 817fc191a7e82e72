using System.Collections.Immutable;
using System.Text.Json;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Workflow;

/// <summary>
/// Work a correlation entity (or the HTTP API) hands to <see cref="EventDeliveryWorkflow"/>: events that cannot
/// be used, to dead-letter, and signals to deliver to tickets, in order.
/// </summary>
public sealed record EventDeliveryInput(
    ImmutableArray<DeadLetterRequest> DeadLetters,
    ImmutableArray<DeliverSignalRequest> Signals
)
{
    public bool IsEmpty => DeadLetters.IsDefaultOrEmpty && Signals.IsDefaultOrEmpty;
}

/// <summary>One signal for one ticket.</summary>
public sealed record DeliverSignalRequest(TicketKey Ticket, SlaSignal Signal)
{
    /// <summary>
    /// The event waited in the parking lot for this SLA to start: nothing was acted on when it was received, so it
    /// is not judged late (SPEC §2 "Late events").
    /// </summary>
    public bool FromParking { get; init; }
}

/// <summary>
/// A domain event filed as a dead letter (row and audit entry), with the reason and the original envelope.
/// </summary>
public sealed record DeadLetterRequest(
    string TenantId,
    string? EventId,
    string Reason,
    string Description,
    string? Payload
)
{
    /// <summary>
    /// A ticket event its SLA refused, after it was handed on (so the envelope is not at hand): reason
    /// <see cref="Events.DeadLetterReason.InvalidEvent"/> or <see cref="Events.DeadLetterReason.TooLate"/>, the
    /// refusal (<c>{path}: {problem}</c>), the event as payload.
    /// </summary>
    public static DeadLetterRequest Refused(
        TicketKey ticket,
        TicketEvent e,
        string refusal,
        string reason = Events.DeadLetterReason.InvalidEvent
    )
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(e);
        return new(ticket.TenantId, e.Id, reason, refusal, JsonSerializer.Serialize(e, SlaJson.Options));
    }
}

/// <summary>What became of a delivery.</summary>
public enum DeliveryReceipt
{
    /// <summary>Applied to the row of a ticket on the polling backend.</summary>
    Applied,

    /// <summary>Raised on the running orchestration; to be confirmed.</summary>
    Raised,

    /// <summary>A new execution started from the snapshot, with the signal as its first.</summary>
    Restarted,

    /// <summary>The stored history has it, or the live orchestration has it queued.</summary>
    Confirmed,

    /// <summary>The ticket has no SLA (any more): nothing to deliver to.</summary>
    NoSla,
}
