using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Service;

/// <summary>
/// The application service both hosts call: each operation is one transaction that loads the ticket's
/// SLA, applies the change, fires what is due now, and stores the result with its notifications and audit.
/// </summary>
public interface ISlaService
{
    /// <summary>Starts the ticket's SLA; starting it again returns the existing one unchanged.</summary>
    Task<SlaChange> StartAsync(TicketKey ticket, StartRequest request, CancellationToken cancellationToken = default);

    /// <summary>Applies a ticket event (pause, resume, respond, resolve, reopen, cancel, priority, status).</summary>
    /// <exception cref="SlaNotFoundException">The ticket has no SLA.</exception>
    Task<SlaChange> ApplyAsync(TicketKey ticket, TicketEvent e, CancellationToken cancellationToken = default);

    /// <summary>Where the ticket's SLA stands now, or null when it has none.</summary>
    Task<SlaStatus?> GetStatusAsync(TicketKey ticket, CancellationToken cancellationToken = default);

    /// <summary>
    /// The ticket's SLA as stored (its history under the policy version it is bound to), or null when it has none.
    /// </summary>
    Task<TicketSla?> GetSlaAsync(TicketKey ticket, CancellationToken cancellationToken = default);
}

/// <summary>
/// The outcome of a start or an event: whether it changed anything, the status after it, and what fired.
/// </summary>
public sealed record SlaChange(
    EventEffect Effect,
    string? Reason,
    SlaStatus Status,
    System.Collections.Immutable.ImmutableArray<FiredNotification> Fired
);

public sealed class SlaNotFoundException(TicketKey ticket) : Exception($"Ticket {ticket} has no SLA.")
{
    public TicketKey Ticket { get; } = ticket;
}
