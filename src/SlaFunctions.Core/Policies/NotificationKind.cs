namespace SlaFunctions.Core.Policies;

public enum NotificationKind
{
    Warning,
    Breach,
    Escalation,

    /// <summary>Withdraws a notification a late event made untrue (SPEC §2 "Late events"); never itself withdrawn.</summary>
    Retraction,
}
