using SlaFunctions.Core.Json;

namespace SlaFunctions.Core.Policies;

/// <summary>
/// One stored version of a policy: its JSON as accepted (SPEC §3 shape) and the JSON of the calendar it
/// names, as of that version. Everything needed to compile the <see cref="SlaPolicy"/> a ticket is bound to.
/// </summary>
public sealed record PolicyDefinition(PolicyRef Ref, string PolicyJson, string CalendarJson)
{
    public SlaPolicy Compile()
    {
        var calendar = JsonInput.Read(CalendarJson, Calendars.CalendarJson.Read);
        return JsonInput.Read(PolicyJson, input => Policies.PolicyJson.Read(input, Ref, _ => calendar));
    }
}
