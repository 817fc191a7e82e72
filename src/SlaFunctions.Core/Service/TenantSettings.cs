using NodaTime;

namespace SlaFunctions.Core.Service;

/// <summary>What a tenant sets for itself: how late an event may arrive (SPEC §2 "Late events").</summary>
public sealed record TenantSettings(Duration LateEventTolerance)
{
    public static TenantSettings Default { get; } = new(Duration.FromMinutes(15));

    public static Duration MaxLateEventTolerance { get; } = Duration.FromDays(7);
}
