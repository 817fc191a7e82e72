using System.Collections.Immutable;
using System.Text.Json.Serialization;
using NodaTime;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Core.Rollouts;

/// <summary>
/// Policy versions to put in force on open tickets from <see cref="EffectiveAt"/> (SPEC §2 "Definition change"): one
/// policy's, or a calendar's new version as the versions of the policies on it (<see cref="CalendarId"/>). Which
/// tickets: those on <see cref="PolicyIds"/> (by default the rolled-out policies), narrowed by the rest; each moves
/// to the version of its own policy, or to the one version rolled out.
/// </summary>
public sealed record RolloutPlan
{
    /// <param name="versions">One per policy; none yet for a calendar's (<see cref="OfCalendar"/>).</param>
    [JsonConstructor]
    public RolloutPlan(ImmutableArray<PolicyRef> versions, Instant effectiveAt)
    {
        if (
            versions.IsDefault
            || versions.Select(v => v.Id).Distinct(StringComparer.Ordinal).Count() != versions.Length
        )
        {
            throw new ArgumentException("A rollout puts one version in force per policy.", nameof(versions));
        }

        Versions = versions;
        EffectiveAt = effectiveAt;
    }

    public RolloutPlan(PolicyRef policy, Instant effectiveAt)
        : this([policy], effectiveAt) { }

    /// <summary>A calendar's latest version, to be put in force as the versions it gave the policies on it.</summary>
    public static RolloutPlan OfCalendar(string calendarId, Instant effectiveAt) =>
        new([], effectiveAt) { CalendarId = calendarId };

    /// <summary>
    /// This plan with a calendar's versions looked up (a policy's plan as it is). A ticket on a policy the calendar does
    /// not carry would have no version to move to, so the filter may only narrow to the calendar's policies.
    /// </summary>
    /// <exception cref="InvalidInputException">No such calendar, no policy on it, or a filtered policy not on it.</exception>
    public async Task<RolloutPlan> ResolvedAsync(
        IRolloutPreviews previews,
        string tenantId,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(previews);
        if (CalendarId is not { } calendarId)
        {
            return this;
        }

        var versions = await previews.VersionsOnCalendarAsync(tenantId, calendarId, cancellationToken);
        var outside = PolicyIds.IsDefaultOrEmpty ? null : PolicyIds.FirstOrDefault(id => versions.All(v => v.Id != id));
        return outside is null
            ? this with
            {
                Versions = versions,
            }
            : throw new InvalidInputException(
                "$.filter.policyId",
                $"'{JsonInput.Truncate(outside)}' is not on calendar '{calendarId}' (its policies: {string.Join(", ", versions.Select(v => v.Id))})"
            );
    }

    /// <summary>The policy versions put in force (a calendar's, once looked up).</summary>
    public ImmutableArray<PolicyRef> Versions { get; init; }

    public Instant EffectiveAt { get; init; }

    /// <summary>The calendar whose new version is rolled out, when that is how the rollout was asked for.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CalendarId { get; init; }

    /// <summary>The version a ticket on <paramref name="policyId"/> moves to.</summary>
    public PolicyRef VersionFor(string policyId) =>
        Versions.Length == 1 ? Versions[0] : Versions.Single(v => v.Id == policyId);

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

    /// <summary>The current policies of the tickets it looks at: the given ones, or the rolled-out policies.</summary>
    [JsonIgnore]
    public ImmutableArray<string> CurrentPolicies =>
        PolicyIds.IsDefaultOrEmpty ? [.. Versions.Select(v => v.Id)] : PolicyIds;
}
