using System.Text.Json.Serialization;
using NodaTime;
using SlaFunctions.Core.Policies;

namespace SlaFunctions.Core.Tracking;

/// <summary>
/// A threshold, breach or escalation of one phase cycle that has fired. <see cref="DueAt"/> is when it was
/// reached; <see cref="FiredAt"/> is when it was emitted, later than due after downtime or a priority change.
/// </summary>
public sealed record FiredNotification(
    SlaPhase Phase, int Cycle, NotificationKind Kind, decimal Percent, int? Level, Instant DueAt, Instant FiredAt)
{
    [JsonIgnore]
    public NotificationSlot Slot => new(Phase, Cycle, Kind, Kind == NotificationKind.Escalation ? Level ?? 0 : Percent);
}

/// <summary>
/// What fires at most once per phase cycle: a warning or breach per percent, an escalation per level.
/// </summary>
public readonly record struct NotificationSlot(SlaPhase Phase, int Cycle, NotificationKind Kind, decimal Ordinal);
