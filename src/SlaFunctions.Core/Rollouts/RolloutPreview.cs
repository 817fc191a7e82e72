using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Rollouts;

/// <summary>
/// The dry run of a definition change on one ticket: its SLA as it stands at the instant, and the same SLA with the
/// change applied there (<see cref="TicketDefinitionsChanged"/>), as <c>simulate</c> would run them. Changes nothing.
/// </summary>
public static class RolloutPreview
{
    /// <summary>The ticket's preview, or null when it has no live phase (resolved or cancelled): it is not open.</summary>
    public static TicketPreview? Of(string ticketId, TicketSla sla, SlaPolicy next, Instant at)
    {
        ArgumentNullException.ThrowIfNull(sla);
        ArgumentNullException.ThrowIfNull(next);
        // What falls due before the instant has fired; the change applies before anything due at it (SPEC §2).
        var before = sla.FireDueBefore(at).Sla;
        var statusBefore = before.StatusAt(at);
        var live = statusBefore.Phases.Where(IsLive).ToList();
        if (live.Count == 0 && before.HasEnded)
        {
            return null;
        }

        var states = live.Select(p => p.Outcome).Distinct().ToImmutableArray();
        var current = sla.PolicyAt(at).Ref;
        if (Skip(current, sla.Priority, next) is { } reason)
        {
            return Skipped(ticketId, sla, current, reason, states);
        }

        FiringResult after;
        SlaStatus statusAfter;
        try
        {
            after = before.Apply(new TicketDefinitionsChanged(at, next)).Sla.FireDue(at);
            statusAfter = after.Sla.StatusAt(at);
        }
        catch (InvalidOperationException) when (sla.Checkpoint is not null)
        {
            return Skipped(
                ticketId,
                sla,
                current,
                "its settled (compacted) history does not record where the new version's thresholds fall",
                states
            );
        }

        var keys = live.Select(Key).Union(statusAfter.Phases.Where(IsLive).Select(Key)).ToList();
        var phases = keys.Select(k =>
            {
                var was = statusBefore.Phases.FirstOrDefault(p => Key(p) == k);
                var becomes = statusAfter.Phases.FirstOrDefault(p => Key(p) == k);
                return new PhasePreview(k.Phase, k.Cycle, was?.DueAt, becomes?.DueAt, was?.Outcome, becomes?.Outcome)
                {
                    LeftBefore = was is null ? null : was.Target - was.Elapsed,
                    LeftAfter = becomes is null ? null : becomes.Target - becomes.Elapsed,
                };
            })
            .ToImmutableArray();
        return new TicketPreview(ticketId, sla.Priority, current, EffectOf(phases), null, phases, after.Fired)
        {
            StatesBefore = states,
        };
    }

    private static string? Skip(PolicyRef current, string priority, SlaPolicy next) =>
        current == next.Ref ? $"already on version {next.Ref.Version}"
        : current.Id == next.Ref.Id && current.Version > next.Ref.Version ? $"on a later version ({current.Version})"
        : !next.Targets.ContainsKey(priority) ? $"version {next.Ref.Version} has no target for priority '{priority}'"
        : null;

    private static TicketPreview Skipped(
        string ticketId,
        TicketSla sla,
        PolicyRef current,
        string reason,
        ImmutableArray<PhaseOutcome> states
    ) => new(ticketId, sla.Priority, current, RolloutEffect.Skipped, reason, [], []) { StatesBefore = states };

    /// <summary>
    /// Newly breached, else due earlier or later by the due instants, or by the business time left where a phase has
    /// no due instant (paused) on either side.
    /// </summary>
    private static RolloutEffect EffectOf(ImmutableArray<PhasePreview> phases) =>
        phases.Any(p => p.StateBefore != PhaseOutcome.Breached && p.StateAfter == PhaseOutcome.Breached)
            ? RolloutEffect.NewlyBreached
        : phases.Any(p => Compare(p) < 0) ? RolloutEffect.DueEarlier
        : phases.Any(p => Compare(p) > 0) ? RolloutEffect.DueLater
        : RolloutEffect.Unchanged;

    /// <summary>Negative when the change brings the phase's due closer, positive when it moves it away.</summary>
    private static int Compare(PhasePreview phase) =>
        (phase.DueBefore, phase.DueAfter) switch
        {
            ({ } before, { } after) => after.CompareTo(before),
            _ when phase.LeftBefore is { } before && phase.LeftAfter is { } after => after.CompareTo(before),
            (null, not null) => -1, // newly tracked
            (not null, null) => 1, // no longer tracked
            _ => 0,
        };

    private static bool IsLive(PhaseStatus phase) =>
        phase.CompletedAt is null && phase.Outcome is not PhaseOutcome.Cancelled;

    private static (SlaPhase Phase, int Cycle) Key(PhaseStatus phase) => (phase.Phase, phase.Cycle);
}
