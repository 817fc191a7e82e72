namespace SlaFunctions.Core.Service;

/// <summary>A ticket of a tenant: every stored SLA, event and notification belongs to exactly one.</summary>
public sealed record TicketKey(string TenantId, string TicketId)
{
    public override string ToString() => $"{TenantId}/{TicketId}";
}
