using SlaFunctions.Core.Ingestion;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Json;

/// <summary>
/// The product's names for its enums on the wire (SPEC §3–§6): in JSON answers, notification payloads, query
/// parameters and stored projections. Every writer and reader of these names uses this one table.
/// </summary>
public static class WireNames
{
    public static string Of(SlaPhase phase) =>
        phase switch
        {
            SlaPhase.Response => "response",
            SlaPhase.Resolution => "resolution",
            _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
        };

    public static string Of(NotificationKind kind) =>
        kind switch
        {
            NotificationKind.Warning => "warning",
            NotificationKind.Breach => "breach",
            NotificationKind.Escalation => "escalation",
            NotificationKind.Retraction => "retraction",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };

    public static string Of(Rollouts.RolloutEffect effect) =>
        effect switch
        {
            Rollouts.RolloutEffect.Skipped => "skipped",
            Rollouts.RolloutEffect.NewlyBreached => "newlyBreached",
            Rollouts.RolloutEffect.DueEarlier => "dueEarlier",
            Rollouts.RolloutEffect.DueLater => "dueLater",
            Rollouts.RolloutEffect.Unchanged => "unchanged",
            _ => throw new ArgumentOutOfRangeException(nameof(effect), effect, null),
        };

    public static Rollouts.RolloutEffect ParseRolloutEffect(string name) =>
        Enum.GetValues<Rollouts.RolloutEffect>().Single(e => Of(e) == name);

    public static string Of(Rollouts.RolloutState state) =>
        state switch
        {
            Rollouts.RolloutState.Scheduled => "scheduled",
            Rollouts.RolloutState.Running => "running",
            Rollouts.RolloutState.Cancelled => "cancelled",
            Rollouts.RolloutState.Done => "done",
            _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
        };

    public static string Of(PhaseOutcome outcome) =>
        outcome switch
        {
            PhaseOutcome.Running => "running",
            PhaseOutcome.Paused => "paused",
            PhaseOutcome.Met => "met",
            PhaseOutcome.Breached => "breached",
            PhaseOutcome.Cancelled => "cancelled",
            _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
        };

    public static string Of(IngestStatus status) =>
        status switch
        {
            IngestStatus.Applied => "applied",
            IngestStatus.Duplicate => "duplicate",
            IngestStatus.Parked => "parked",
            IngestStatus.Accepted => "accepted",
            IngestStatus.Ignored => "ignored",
            IngestStatus.DeadLettered => "dead-lettered",
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
        };

    public static string Of(EventEffect effect) =>
        effect switch
        {
            EventEffect.Applied => "applied",
            EventEffect.Duplicate => "duplicate",
            EventEffect.Ignored => "ignored",
            _ => throw new ArgumentOutOfRangeException(nameof(effect), effect, null),
        };

    /// <summary>The value of each wire name, for readers of query parameters.</summary>
    public static IReadOnlyDictionary<string, T> Table<T>(Func<T, string> of)
        where T : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(of);
        return Enum.GetValues<T>().ToDictionary(of, v => v, StringComparer.Ordinal);
    }
}
