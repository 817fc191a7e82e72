using System.Text.Json.Serialization;
using NodaTime;
using SlaFunctions.Core.Policies;

namespace SlaFunctions.Core.Tracking;

/// <summary>
/// A threshold, breach or escalation of one phase cycle that has fired. <see cref="DueAt"/> is when it was
/// reached; <see cref="FiredAt"/> is when it was emitted, later than due after downtime or a priority change.
/// </summary>
public sealed record FiredNotification(
    SlaPhase Phase,
    int Cycle,
    NotificationKind Kind,
    decimal Percent,
    int? Level,
    Instant DueAt,
    Instant FiredAt
)
{
    [JsonIgnore]
    public NotificationSlot Slot => NotificationSlot.Of(Phase, Cycle, Kind, Percent, Level);
}

/// <summary>
/// What fires at most once per phase cycle: a warning or breach per percent, an escalation per level.
/// </summary>
public readonly record struct NotificationSlot(SlaPhase Phase, int Cycle, NotificationKind Kind, decimal Ordinal)
{
    /// <summary>The slot of a notification: its ordinal is the level for an escalation, else the percent.</summary>
    public static NotificationSlot Of(SlaPhase phase, int cycle, NotificationKind kind, decimal percent, int? level) =>
        new(phase, cycle, kind, kind == NotificationKind.Escalation ? level ?? 0 : percent);

    /// <summary>
    /// The order notifications fire and are listed in: by instant, then phase (response first), cycle and
    /// percent; a warning or breach before an escalation.
    /// </summary>
    public (Instant At, SlaPhase Phase, int Cycle, decimal Percent, bool Escalation) FiringOrder(
        Instant at,
        decimal percent
    ) => (at, Phase, Cycle, percent, Kind == NotificationKind.Escalation);
}
