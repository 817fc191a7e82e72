using System.Collections.Immutable;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Events;

/// <summary>
/// What a domain event asks of the hosts: one of <see cref="StartSla"/>, <see cref="ApplyEvent"/>, <see
/// cref="IgnoredEvent"/> or <see cref="RejectedEvent"/>.
/// </summary>
public abstract record EventOutcome
{
    private protected EventOutcome() { }
}

/// <summary>
/// Start the ticket's SLA and subscribe it to <see cref="SubscriptionKeys"/>, draining what is parked there.
/// </summary>
public sealed record StartSla(string CorrelationKey, TicketKey Ticket, StartRequest Request) : EventOutcome
{
    /// <summary>The event's correlation key, then the further keys the event names, each once.</summary>
    public ImmutableArray<string> SubscriptionKeys =>
        [.. new[] { CorrelationKey }.Concat(Request.CorrelationKeys).Distinct(StringComparer.Ordinal)];
}

/// <summary>
/// Deliver <see cref="Event"/> to the tickets subscribed to the correlation key, or park it there when there are none.
/// </summary>
public sealed record ApplyEvent(string CorrelationKey, TicketEvent Event) : EventOutcome;

/// <summary>The event changes nothing (for example a private comment); acknowledged, not dead-lettered.</summary>
public sealed record IgnoredEvent(string Reason) : EventOutcome;

/// <summary>The event is dead-lettered with the rejection's reason and description.</summary>
public sealed record RejectedEvent(Rejection Rejection) : EventOutcome;
