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
        ["created", "status", "pause", "resume", "responded", "priority", "resolved", "reopened", "cancelled"];

    public static Scenario Read(string json) => JsonInput.Read(json, Read);

    public static Scenario Read(JsonInput input)
    {
        input.AllowOnly("calendars", "policy", "events", "until");
        var calendars = input.Required("calendars").Properties()
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

        return new Scenario(policy, history.MoveToImmutable(), until);
    }

    private static TicketEvent ReadEvent(JsonInput input, SlaPolicy policy, bool first)
    {
        var typeInput = input.Required("type");
        var type = typeInput.AsText();
        if (!EventTypes.Contains(type, StringComparer.Ordinal))
        {
            throw typeInput.Error($"'{JsonInput.Truncate(type)}' is not an event type (expected one of {string.Join(", ", EventTypes)})");
        }

        if (first != (type == "created"))
        {
            throw typeInput.Error(first ? "the first event must be 'created'" : "a ticket is created only once, by the first event");
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
