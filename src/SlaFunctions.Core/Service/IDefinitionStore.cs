namespace SlaFunctions.Core.Service;

/// <summary>A tenant's calendars, policies, and which policy a ticket gets when its start names none.</summary>
public interface IDefinitionStore
{
    /// <summary>
    /// Stores the calendar (SPEC §3 JSON) and returns its version; an unchanged calendar keeps its version.
    /// </summary>
    Task<int> PutCalendarAsync(
        string tenantId,
        string calendarId,
        string json,
        CancellationToken cancellationToken = default
    );

    /// <summary>
    /// Stores the policy (SPEC §3 JSON) and returns its version; an unchanged policy keeps its version.
    /// </summary>
    Task<int> PutPolicyAsync(
        string tenantId,
        string policyId,
        string json,
        CancellationToken cancellationToken = default
    );

    /// <summary>Gives tickets of a client or board this policy when their start names none.</summary>
    Task AssignAsync(
        string tenantId,
        AssignmentScope scope,
        string scopeId,
        string policyId,
        CancellationToken cancellationToken = default
    );

    /// <summary>The policy of tickets that have neither a client nor a board assignment; null clears it.</summary>
    Task SetDefaultPolicyAsync(string tenantId, string? policyId, CancellationToken cancellationToken = default);
}

public enum AssignmentScope
{
    Client,
    Board,
}
