using System.Text.Json.Serialization;
using NodaTime;
using SlaFunctions.Core.Policies;

namespace SlaFunctions.Core.Tracking;

/// <summary>
/// A fact about a ticket at an instant. <see cref="Id"/> is the caller's idempotency key or the domain
/// event's id: a second event with the same id is the same event.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TicketCreated), "created")]
[JsonDerivedType(typeof(TicketStatusChanged), "status")]
[JsonDerivedType(typeof(TicketPaused), "pause")]
[JsonDerivedType(typeof(TicketResumed), "resume")]
[JsonDerivedType(typeof(TicketResponded), "responded")]
[JsonDerivedType(typeof(TicketResolved), "resolved")]
[JsonDerivedType(typeof(TicketReopened), "reopened")]
[JsonDerivedType(typeof(TicketPriorityChanged), "priority")]
[JsonDerivedType(typeof(TicketCancelled), "cancelled")]
public abstract record TicketEvent([property: JsonPropertyOrder(-2)] Instant At)
{
    [JsonPropertyOrder(-1)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; init; }

    /// <summary>
    /// A digest of the request or event that carried <see cref="Id"/> (<c>JsonDigest</c>): the same id with another
    /// digest is a reuse of the id for different content, not a retry.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Digest { get; init; }
}

public sealed record TicketCreated(Instant At, string Priority) : TicketEvent(At);

/// <summary>
/// The ticket moved to a status; the clock pauses while the status is one of the policy's pausing statuses.
/// </summary>
public sealed record TicketStatusChanged(Instant At, string Status) : TicketEvent(At);

/// <summary>An explicit pause for a named reason, held until resumed for that reason.</summary>
public sealed record TicketPaused(Instant At, string Reason) : TicketEvent(At);

public sealed record TicketResumed(Instant At, string Reason) : TicketEvent(At);

public sealed record TicketResponded(Instant At) : TicketEvent(At);

public sealed record TicketResolved(Instant At) : TicketEvent(At);

public sealed record TicketReopened(Instant At) : TicketEvent(At);

public sealed record TicketPriorityChanged(Instant At, string Priority) : TicketEvent(At);

public sealed record TicketCancelled(Instant At) : TicketEvent(At);

/// <summary>
/// A definition change (SPEC §2): from its instant the ticket is tracked under <see cref="Policy"/>, a new version of
/// its policy or of the calendars it uses. Only <c>simulate</c> makes one so far: it is not a stored event type.
/// </summary>
public sealed record TicketDefinitionsChanged(Instant At, SlaPolicy Policy) : TicketEvent(At);
