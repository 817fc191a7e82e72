using System.Text.Json;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Simulation;

/// <summary>Writes a simulation result in the shape of SPEC §3.</summary>
internal static class SimulationJson
{
    public static string Write(SlaStatus status) => JsonText.Write(json => Write(json, status), indented: true);

    public static void Write(Utf8JsonWriter json, SlaStatus status)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(status);
        json.WriteStartObject();
        json.WriteStartArray("phases");
        foreach (var phase in status.Phases)
        {
            json.WriteStartObject();
            json.WriteString("phase", WireNames.Of(phase.Phase));
            json.WriteNumber("cycle", phase.Cycle);
            json.WriteString("target", IsoText.Format(phase.Target));
            json.WriteString("startedAt", IsoText.Format(phase.StartedAt));
            json.WriteInstant("dueAt", phase.DueAt);
            json.WriteInstant("completedAt", phase.CompletedAt);
            json.WriteString("outcome", WireNames.Of(phase.Outcome));
            json.WriteString("elapsed", IsoText.Format(phase.Elapsed));
            json.WriteString("paused", IsoText.Format(phase.Paused));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("notifications");
        foreach (var notification in Ordered(status.Notifications))
        {
            json.WriteStartObject();
            json.WriteString("phase", WireNames.Of(notification.Phase));
            json.WriteNumber("cycle", notification.Cycle);
            json.WriteString("kind", WireNames.Of(notification.Kind));
            json.WriteNumber("percent", notification.Percent);
            if (notification.Level is { } level)
            {
                json.WriteNumber("level", level);
            }
            else
            {
                json.WriteNull("level");
            }

            json.WriteString("at", IsoText.Format(notification.FiredAt));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("pauses");
        foreach (var pause in status.Pauses)
        {
            json.WriteStartObject();
            json.WriteString("from", IsoText.Format(pause.From));
            json.WriteInstant("to", pause.To);
            json.WriteString("status", pause.Reason);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>In <see cref="NotificationSlot.FiringOrder"/>, by the instant each was emitted.</summary>
    public static IEnumerable<FiredNotification> Ordered(IEnumerable<FiredNotification> notifications) =>
        notifications.OrderBy(n => n.Slot.FiringOrder(n.FiredAt, n.Percent));
}
