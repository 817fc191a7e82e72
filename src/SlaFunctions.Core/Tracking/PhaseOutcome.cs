namespace SlaFunctions.Core.Tracking;

public enum PhaseOutcome
{
    Running,
    Paused,
    Met,
    Breached,
    Cancelled,
}
