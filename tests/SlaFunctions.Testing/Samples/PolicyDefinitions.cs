using SlaFunctions.Core.Calendars;
using SlaFunctions.Core.Policies;

namespace SlaFunctions.Testing.Samples;

/// <summary>A policy as the stored definition (SPEC §3 JSON) that the orchestration input carries.</summary>
public static class PolicyDefinitions
{
    public static PolicyDefinition From(SlaPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new(policy.Ref, PolicyJson.Write(policy, "calendar"), CalendarJson.Write(policy.Calendar));
    }
}
