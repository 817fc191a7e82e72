namespace SlaFunctions.Core.Policies;

/// <summary>The two clocks of a ticket.</summary>
public enum SlaPhase
{
    Response,
    Resolution,
}
