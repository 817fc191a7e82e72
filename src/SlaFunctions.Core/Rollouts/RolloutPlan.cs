using System.Collections.Immutable;
using System.Text.Json.Serialization;
using NodaTime;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Core.Rollouts;

/// <summary>
/// A policy version to put in force on open tickets from <see cref="EffectiveAt"/> (SPEC §2 "Definition change"),
/// and which tickets: those on <see cref="PolicyIds"/> (by default the rolled-out policy's own), narrowed by the rest.
/// </summary>
public sealed record RolloutPlan(PolicyRef Policy, Instant EffectiveAt)
{
    public ImmutableArray<string> PolicyIds { get; init; } = [];

    public ImmutableArray<string> Priorities { get; init; } = [];

    public ImmutableArray<string> ClientIds { get; init; } = [];

    public ImmutableArray<string> BoardIds { get; init; } = [];

    /// <summary>Tickets with a live phase in one of these states just before the change (running, paused, breached).</summary>
    public ImmutableArray<PhaseOutcome> States { get; init; } = [];

    /// <summary>Whether a ticket's preview is in the states asked for (any, when none are).</summary>
    public bool InStates(TicketPreview ticket) =>
        States.IsDefaultOrEmpty
        || (ticket ?? throw new ArgumentNullException(nameof(ticket))).StatesBefore.Any(States.Contains);

    /// <summary>The current policies of the tickets it looks at: the given ones, or the rolled-out policy's.</summary>
    /// <summary>
    /// When a rollout takes effect: the instant given, or now; never before now, since a definition change applies
    /// from now or later (SPEC §2).
    /// </summary>
    /// <param name="field">What the caller gave the instant as, named in the error.</param>
    public static Instant EffectiveFrom(Instant? given, Instant now, string field) =>
        given is not { } at ? now
        : at >= now ? at
        : throw new InvalidInputException(
            field,
            $"is before now ({IsoText.Format(now)}): a definition change applies from now or later"
        );

    [JsonIgnore]
    public ImmutableArray<string> CurrentPolicies => PolicyIds.IsDefaultOrEmpty ? [Policy.Id] : PolicyIds;
}
