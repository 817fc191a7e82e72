using System.Collections.Immutable;
using SlaFunctions.Core.Calendars;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Core.Simulation;

/// <summary>Reads a scenario (SPEC §3); every problem is reported with the JSON path at fault.</summary>
public static class ScenarioJson
{
    public static readonly PolicyRef ScenarioPolicy = new("scenario", 1);

    private static readonly string[] EventTypes =
    [
        "created",
        "status",
        "pause",
        "resume",
        "responded",
        "priority",
        "resolved",
        "reopened",
        "cancelled",
    ];

    public static Scenario Read(string json) => JsonInput.Read(json, Read);

    public static Scenario Read(JsonInput input)
    {
        input.AllowOnly("calendars", "policy", "events", "until");
        CheckSize(input);
        var calendars = input
            .Required("calendars")
            .Properties()
            .ToDictionary(c => c.Name, c => CalendarJson.Read(c.Value), StringComparer.Ordinal);
        var policy = PolicyJson.Read(input.Required("policy"), ScenarioPolicy, calendars.GetValueOrDefault);

        var events = input.Required("events").Items().ToList();
        if (events.Count == 0)
        {
            throw input.Required("events").Error("must start with a 'created' event");
        }

        var history = ImmutableArray.CreateBuilder<TicketEvent>(events.Count);
        foreach (var item in events)
        {
            var e = ReadEvent(item, policy, history.Count == 0);
            if (history.Count > 0 && e.At < history[^1].At)
            {
                throw item.Required("at").Error($"goes back in time: the event before it is at {history[^1].At}");
            }

            history.Add(e);
        }

        var until = input.Optional("until")?.AsInstant();
        if (until < history[0].At)
        {
            throw input.Required("until").Error($"is before the ticket was created ({history[0].At})");
        }

        var asOf = until ?? history[^1].At;
        if (asOf - history[0].At > ScenarioLimits.MaxSpan)
        {
            throw (input.Optional("until") ?? events[^1].Required("at")).Error(
                $"is more than {ScenarioLimits.MaxSpan.Days:N0} days after the ticket was created: the longest span a scenario may cover "
                    + "(see docs/operations.md, \"Limits of simulate\")"
            );
        }

        return new Scenario(policy, history.MoveToImmutable(), until);
    }

    /// <summary>Refuses a scenario larger than <see cref="ScenarioLimits"/> before any of it is read.</summary>
    private static void CheckSize(JsonInput input)
    {
        ScenarioLimits.AtMost(input.Optional("events"), ScenarioLimits.MaxEvents, "events");
        ScenarioLimits.AtMost(input.Optional("calendars"), ScenarioLimits.MaxCalendars, "calendars");
        foreach (var (_, calendar) in input.Optional("calendars")?.Properties() ?? [])
        {
            ScenarioLimits.AtMost(calendar.Optional("hours"), ScenarioLimits.MaxIntervals, "open intervals");
            ScenarioLimits.AtMost(calendar.Optional("holidays"), ScenarioLimits.MaxHolidays, "holidays");
        }

        if (input.Optional("policy") is { Element.ValueKind: System.Text.Json.JsonValueKind.Object } policy)
        {
            ScenarioLimits.AtMost(policy.Optional("targets"), ScenarioLimits.MaxTargets, "targets");
            ScenarioLimits.AtMost(policy.Optional("thresholds"), ScenarioLimits.MaxThresholds, "thresholds");
            ScenarioLimits.AtMost(
                policy.Optional("pauseStatuses"),
                ScenarioLimits.MaxPauseStatuses,
                "pausing statuses"
            );
            foreach (var (_, target) in policy.Optional("targets")?.Properties() ?? [])
            {
                ScenarioLimits.AtMost(target.Optional("escalations"), ScenarioLimits.MaxThresholds, "escalations");
            }
        }
    }

    private static TicketEvent ReadEvent(JsonInput input, SlaPolicy policy, bool first)
    {
        var typeInput = input.Required("type");
        var type = typeInput.AsText();
        if (!EventTypes.Contains(type, StringComparer.Ordinal))
        {
            throw typeInput.Error(
                $"'{JsonInput.Truncate(type)}' is not an event type (expected one of {string.Join(", ", EventTypes)})"
            );
        }

        if (first != (type == "created"))
        {
            throw typeInput.Error(
                first ? "the first event must be 'created'" : "a ticket is created only once, by the first event"
            );
        }

        var fields = type switch
        {
            "created" or "priority" => ["at", "type", "priority"],
            "status" => ["at", "type", "status"],
            "pause" or "resume" => ["at", "type", "reason"],
            _ => new[] { "at", "type" },
        };
        input.AllowOnly(fields);
        var at = input.Required("at").AsInstant();
        return type switch
        {
            "created" => new TicketCreated(at, ReadPriority(input.Required("priority"), policy)),
            "priority" => new TicketPriorityChanged(at, ReadPriority(input.Required("priority"), policy)),
            "status" => new TicketStatusChanged(at, input.Required("status").AsName()),
            "pause" => new TicketPaused(at, input.Required("reason").AsName()),
            "resume" => new TicketResumed(at, input.Required("reason").AsName()),
            "responded" => new TicketResponded(at),
            "resolved" => new TicketResolved(at),
            "reopened" => new TicketReopened(at),
            _ => new TicketCancelled(at),
        };
    }

    private static string ReadPriority(JsonInput input, SlaPolicy policy)
    {
        var priority = input.AsText();
        return policy.Targets.ContainsKey(priority)
            ? priority
            : throw input.Error($"'{JsonInput.Truncate(priority)}' is not a key of $.policy.targets");
    }
}
