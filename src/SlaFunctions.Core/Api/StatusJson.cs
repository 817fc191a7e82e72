using System.Text.Json;
using NodaTime;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Api;

/// <summary>
/// A ticket's SLA as the API shows it. <c>remaining</c> is the wall-clock time to the due instant (negative
/// once breached); while a phase is paused it has no due instant and <c>remaining</c> is the business time
/// left of its target; a completed or cancelled phase has none.
/// </summary>
internal static class StatusJson
{
    public static void Write(Utf8JsonWriter json, TicketKey ticket, SlaStatus status, Instant now)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(status);
        json.WriteStartObject();
        json.WriteString("tenantId", ticket.TenantId);
        json.WriteString("ticketId", ticket.TicketId);
        json.WriteString("priority", status.Priority);
        json.WriteString("asOf", IsoText.Format(status.AsOf));
        json.WriteStartArray("phases");
        foreach (var phase in status.Phases)
        {
            json.WriteStartObject();
            json.WriteString("phase", WireNames.Of(phase.Phase));
            json.WriteNumber("cycle", phase.Cycle);
            json.WriteString("state", WireNames.Of(phase.Outcome));
            json.WriteString("target", IsoText.Format(phase.Target));
            json.WriteString("startedAt", IsoText.Format(phase.StartedAt));
            json.WriteInstant("dueAt", phase.DueAt);
            json.WriteInstant("completedAt", phase.CompletedAt);
            json.WriteDuration("remaining", Remaining(phase, status, now));

            json.WriteString("elapsed", IsoText.Format(phase.Elapsed));
            json.WriteString("paused", IsoText.Format(phase.Paused));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("pauses");
        foreach (var pause in status.Pauses)
        {
            json.WriteStartObject();
            json.WriteString("from", IsoText.Format(pause.From));
            json.WriteInstant("to", pause.To);
            json.WriteString("reason", pause.Reason);
            json.WriteString("source", pause.Source == PauseSource.Status ? "status" : "explicit");
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("notifications");
        var standing = TicketSla.Standing(status.Notifications).ToHashSet();
        foreach (var fired in SimulationJson.Ordered(status.Notifications))
        {
            // As published, and for a notification whether it was retracted since.
            var message = JsonSerializer.SerializeToNode(NotificationMessage.From(ticket, fired), SlaJson.Options)!;
            if (!fired.IsRetraction)
            {
                message["retracted"] = !standing.Contains(fired);
            }

            message.WriteTo(json, SlaJson.Options);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>
    /// A phase's <c>remaining</c> as of <paramref name="now"/>; null once it completed or was cancelled.
    /// </summary>
    internal static Duration? Remaining(PhaseStatus phase, SlaStatus status, Instant now) =>
        phase.Outcome switch
        {
            PhaseOutcome.Met or PhaseOutcome.Cancelled => null,
            _ when phase.CompletedAt is not null => null,
            _ when phase.DueAt is { } due => due - (now > status.AsOf ? now : status.AsOf),
            _ => phase.Target - phase.Elapsed,
        };
}
