using System.Collections.Immutable;
using System.Text.Json.Serialization;
using NodaTime;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;

namespace SlaFunctions.Durable.Correlation;

/// <summary>An event waiting for an SLA to start on its correlation key, until <see cref="ExpiresAt"/>.</summary>
public sealed record ParkedEvent(
    [property: JsonPropertyName("envelope")] EventEnvelope Envelope,
    [property: JsonPropertyName("expiresAt"), JsonConverter(typeof(IsoInstantConverter))] Instant ExpiresAt
);

/// <summary>
/// What the durable entity of one correlation key holds: the tickets subscribed to the key, and events
/// parked because no SLA has started for it yet. Immutable: each operation returns the next state, and the
/// state serializes with System.Text.Json whatever the options (property names and instant format fixed).
/// </summary>
public sealed record CorrelationIndex
{
    public CorrelationIndex()
        : this([], []) { }

    [JsonConstructor]
    public CorrelationIndex(ImmutableArray<TicketKey> subscribers, ImmutableArray<ParkedEvent> parked)
    {
        Subscribers = subscribers.IsDefault ? [] : subscribers;
        Parked = parked.IsDefault ? [] : parked;
    }

    public static CorrelationIndex Empty { get; } = new();

    [JsonPropertyName("subscribers")]
    public ImmutableArray<TicketKey> Subscribers { get; }

    /// <summary>Parked events in arrival order.</summary>
    [JsonPropertyName("parked")]
    public ImmutableArray<ParkedEvent> Parked { get; }

    /// <summary>No subscriber and nothing parked: the entity may delete its state.</summary>
    [JsonIgnore]
    public bool IsEmpty => Subscribers.IsEmpty && Parked.IsEmpty;

    /// <summary>When <see cref="Expire"/> next has something to do (for a scheduled signal), or null.</summary>
    [JsonIgnore]
    public Instant? NextExpiry => Parked.IsEmpty ? null : Parked.Min(p => p.ExpiresAt);

    /// <summary>
    /// Subscribes the ticket (once) and hands it every parked event, by occurredAt then arrival; they are
    /// cleared. Route each with the index's correlation key as the explicit key.
    /// </summary>
    public (CorrelationIndex Index, ImmutableArray<EventEnvelope> Deliver) Subscribe(TicketKey ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var subscribers = Subscribers.Contains(ticket) ? Subscribers : Subscribers.Add(ticket);
        return (new CorrelationIndex(subscribers, []), InOrder(Parked));
    }

    public CorrelationIndex Unsubscribe(TicketKey ticket) => new(Subscribers.Remove(ticket), Parked);

    /// <summary>
    /// An incoming event: with subscribers, the tickets to deliver it to (state unchanged); without, it is
    /// parked and there is nobody to deliver to.
    /// </summary>
    public (CorrelationIndex Index, ImmutableArray<TicketKey> DeliverTo) Receive(
        EventEnvelope envelope,
        Instant now,
        Duration window
    ) => Subscribers.IsEmpty ? (Park(envelope, now, window), []) : (this, Subscribers);

    /// <summary>
    /// Parks the event until <paramref name="now"/> + <paramref name="window"/>; an event id already parked is parked
    /// once.
    /// </summary>
    public CorrelationIndex Park(EventEnvelope envelope, Instant now, Duration window)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, Duration.Zero);
        return Parked.Any(p => p.Envelope.EventId == envelope.EventId)
            ? this
            : new CorrelationIndex(Subscribers, Parked.Add(new ParkedEvent(envelope, now + window)));
    }

    /// <summary>
    /// Removes and returns the events whose expiry is at or before <paramref name="now"/>, for dead-lettering with <see
    /// cref="DeadLetterReason.ParkingExpired"/>.
    /// </summary>
    public (CorrelationIndex Index, ImmutableArray<EventEnvelope> Expired) Expire(Instant now)
    {
        var expired = Parked.Where(p => p.ExpiresAt <= now).ToImmutableArray();
        return expired.IsEmpty
            ? (this, [])
            : (new CorrelationIndex(Subscribers, [.. Parked.Where(p => p.ExpiresAt > now)]), InOrder(expired));
    }

    /// <summary>Value equality, since immutable arrays compare by reference.</summary>
    public bool Equals(CorrelationIndex? other) =>
        other is not null && Subscribers.SequenceEqual(other.Subscribers) && Parked.SequenceEqual(other.Parked);

    public override int GetHashCode() => HashCode.Combine(Subscribers.Length, Parked.Length);

    private static ImmutableArray<EventEnvelope> InOrder(ImmutableArray<ParkedEvent> parked) =>
        [.. ParkingOrder.InOrder(parked, p => p.Envelope.OccurredAt).Select(p => p.Envelope)];
}
