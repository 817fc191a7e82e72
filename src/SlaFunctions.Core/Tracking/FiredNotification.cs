using System.Text.Json.Serialization;
using NodaTime;
using SlaFunctions.Core.Policies;

namespace SlaFunctions.Core.Tracking;

/// <summary>
/// A threshold, breach or escalation of one phase cycle that has fired, or the retraction of one. <see cref="DueAt"/>
/// is when it was reached; <see cref="FiredAt"/> is when it was emitted, later than due after downtime or a priority
/// change. A retraction repeats the phase, cycle, percent, level, due instant and revision of the notification it
/// withdraws, and names that notification's kind in <see cref="Retracts"/>.
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
    /// <summary>How many times the slot was retracted before this notification fired: 0 for its first firing.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Revision { get; init; }

    /// <summary>For a retraction, the kind of the notification it withdraws; null for any other notification.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public NotificationKind? Retracts { get; init; }

    [JsonIgnore]
    public bool IsRetraction => Kind == NotificationKind.Retraction;

    /// <summary>The slot this notification fills, or for a retraction the slot of the notification it withdraws.</summary>
    [JsonIgnore]
    public NotificationSlot Slot => NotificationSlot.Of(Phase, Cycle, Retracts ?? Kind, Percent, Level);

    /// <summary>The retraction of this notification, emitted at <paramref name="at"/>.</summary>
    public FiredNotification RetractedAt(Instant at) =>
        IsRetraction
            ? throw new InvalidOperationException("A retraction is never itself retracted.")
            : this with
            {
                Kind = NotificationKind.Retraction,
                Retracts = Kind,
                FiredAt = at,
            };

    /// <summary>Whether this is the retraction of <paramref name="notification"/>.</summary>
    public bool Withdraws(FiredNotification notification) =>
        IsRetraction && !notification.IsRetraction && notification.Slot == Slot && notification.Revision == Revision;
}

/// <summary>
/// What fires at most once per phase cycle and revision: a warning or breach per percent, an escalation per level.
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
