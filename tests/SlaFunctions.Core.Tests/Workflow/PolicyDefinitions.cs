using System.Text;
using System.Text.Json;
using SlaFunctions.Core.Calendars;
using SlaFunctions.Core.Policies;

namespace SlaFunctions.Core.Tests.Workflow;

/// <summary>Writes a policy back as the stored JSON (SPEC §3) that the orchestration input carries.</summary>
public static class PolicyDefinitions
{
    public static PolicyDefinition From(SlaPolicy policy) =>
        new(policy.Ref, Write(json => WritePolicy(json, policy)), Write(json => WriteCalendar(json, policy.Calendar)));

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            write(json);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WritePolicy(Utf8JsonWriter json, SlaPolicy policy)
    {
        json.WriteStartObject();
        json.WriteString("calendar", "calendar");
        json.WriteStartObject("targets");
        foreach (var (priority, target) in policy.Targets)
        {
            json.WriteStartObject(priority);
            if (target.Response is { } response)
            {
                json.WriteNumber("responseMinutes", (long)response.TotalMinutes);
            }

            if (target.Resolution is { } resolution)
            {
                json.WriteNumber("resolutionMinutes", (long)resolution.TotalMinutes);
            }

            json.WriteBoolean("is24x7", target.Is24x7);
            json.WriteStartArray("escalations");
            foreach (var percent in target.Escalations)
            {
                json.WriteNumberValue(percent);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteStartArray("thresholds");
        foreach (var threshold in policy.Thresholds)
        {
            json.WriteNumberValue(threshold.Percent);
        }

        json.WriteEndArray();
        json.WriteStartArray("pauseStatuses");
        foreach (var status in policy.PauseStatuses)
        {
            json.WriteStringValue(status);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteCalendar(Utf8JsonWriter json, BusinessCalendar calendar)
    {
        json.WriteStartObject();
        json.WriteString("timeZone", calendar.Zone.Id);
        json.WriteBoolean("is24x7", calendar.Is24x7);
        json.WriteStartArray("hours");
        foreach (var interval in calendar.Hours)
        {
            json.WriteStartObject();
            json.WriteString("day", interval.Day.ToString());
            json.WriteString("start", interval.Start.ToString("HH:mm", null));
            json.WriteString("end", interval.EndsAtMidnight ? "24:00" : interval.End.ToString("HH:mm", null));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("holidays");
        foreach (var holiday in calendar.Holidays)
        {
            json.WriteStartObject();
            json.WriteString("date", holiday.Date.ToString("uuuu-MM-dd", null));
            json.WriteBoolean("recurring", holiday.Recurring);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
