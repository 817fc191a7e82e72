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
[JsonDerivedType(typeof(TicketDefinitionsChanged), "definitions")]
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
/// its policy or of the calendars it uses. A rollout's carries the stored <see cref="Definition"/> it compiles from,
/// and is stored and signalled with it, so a restore or a replay needs nothing else; <c>simulate</c>'s has only the
/// policy it read and is never stored.
/// </summary>
public sealed record TicketDefinitionsChanged : TicketEvent
{
    public TicketDefinitionsChanged(Instant at, SlaPolicy policy)
        : base(at) => Policy = policy ?? throw new ArgumentNullException(nameof(policy));

    [JsonConstructor]
    public TicketDefinitionsChanged(Instant at, PolicyDefinition definition)
        : this(at, (definition ?? throw new ArgumentNullException(nameof(definition))).Compile()) =>
        Definition = definition;

    [JsonIgnore]
    public SlaPolicy Policy { get; }

    public PolicyDefinition? Definition { get; }

    /// <summary>By instant, id and definition: a restored event compiles its own copy of the same policy.</summary>
    public bool Equals(TicketDefinitionsChanged? other) =>
        base.Equals(other)
        && (Definition is null ? ReferenceEquals(Policy, other.Policy) : Definition == other.Definition);

    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), Definition);
}
