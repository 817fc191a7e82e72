namespace SlaFunctions.Core.Policies;

/// <summary>Names one immutable version of a policy; a ticket's SLA is bound to the version it started with.</summary>
public sealed record PolicyRef(string Id, int Version)
{
    public override string ToString() => $"{Id}@{Version}";
}
