namespace SlaFunctions.Core.Policies;

public enum NotificationKind
{
    Warning,
    Breach,
    Escalation,
}
