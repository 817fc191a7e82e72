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
        "definitions",
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
        var inForce = new InForce(policy, input.Required("policy"), calendars, "$.policy.targets");
        foreach (var item in events)
        {
            TicketEvent e;
            (e, inForce) = ReadEvent(item, inForce, history.Count == 0);
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
            CheckCalendarSize(calendar);
        }

        // Every calendar a definitions event brings is read too: they count with the scenario's own.
        var calendars = input.Optional("calendars")?.Properties().Count() ?? 0;
        var changes = 0;
        foreach (var e in input.Optional("events")?.Items() ?? [])
        {
            if (
                e.Optional("type") is { Element.ValueKind: System.Text.Json.JsonValueKind.String } type
                && type.AsText() == "definitions"
            )
            {
                if (++changes > ScenarioLimits.MaxDefinitionChanges)
                {
                    throw type.Error(
                        $"is one more than the {ScenarioLimits.MaxDefinitionChanges:N0} definition changes a scenario may have (see docs/operations.md, \"Limits of simulate\")"
                    );
                }

                if (e.Optional("calendars") is { Element.ValueKind: System.Text.Json.JsonValueKind.Object } brought)
                {
                    calendars += brought.Properties().Count();
                    if (calendars > ScenarioLimits.MaxCalendars)
                    {
                        throw brought.Error(
                            $"brings the scenario's calendars to more than {ScenarioLimits.MaxCalendars:N0}, counting those of every definitions event: the most a scenario may read (see docs/operations.md, \"Limits of simulate\")"
                        );
                    }
                }
            }
        }

        CheckPolicySize(input.Optional("policy"));
    }

    private static void CheckCalendarSize(JsonInput calendar)
    {
        ScenarioLimits.AtMost(calendar.Optional("hours"), ScenarioLimits.MaxIntervals, "open intervals");
        ScenarioLimits.AtMost(calendar.Optional("holidays"), ScenarioLimits.MaxHolidays, "holidays");
    }

    private static void CheckPolicySize(JsonInput? input)
    {
        if (input is { Element.ValueKind: System.Text.Json.JsonValueKind.Object } policy)
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

    /// <summary>An event, and the definitions in force after it.</summary>
    private static (TicketEvent Event, InForce After) ReadEvent(JsonInput input, InForce inForce, bool first)
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
            "definitions" => ["at", "type", "policy", "calendars"],
            _ => new[] { "at", "type" },
        };
        input.AllowOnly(fields);
        var at = input.Required("at").AsInstant();
        if (type == "definitions")
        {
            var changed = inForce.Changed(input);
            return (new TicketDefinitionsChanged(at, changed.Policy), changed);
        }

        TicketEvent e = type switch
        {
            "created" => new TicketCreated(at, inForce.Priority(input.Required("priority"))),
            "priority" => new TicketPriorityChanged(at, inForce.Priority(input.Required("priority"))),
            "status" => new TicketStatusChanged(at, input.Required("status").AsName()),
            "pause" => new TicketPaused(at, input.Required("reason").AsName()),
            "resume" => new TicketResumed(at, input.Required("reason").AsName()),
            "responded" => new TicketResponded(at),
            "resolved" => new TicketResolved(at),
            "reopened" => new TicketReopened(at),
            _ => new TicketCancelled(at),
        };
        return (e, inForce.After(e));
    }

    /// <summary>
    /// The definitions in force at a point of the scenario: the policy (with the JSON it was read from), the
    /// calendars by id, the ticket's priority, and where the policy's targets were given (for errors).
    /// </summary>
    private sealed record InForce(
        SlaPolicy Policy,
        JsonInput PolicyInput,
        Dictionary<string, BusinessCalendar> Calendars,
        string TargetsPath,
        string? CurrentPriority = null,
        bool Cancelled = false
    )
    {
        public string Priority(JsonInput input)
        {
            var priority = input.AsText();
            return Policy.Targets.ContainsKey(priority)
                ? priority
                : throw input.Error($"'{JsonInput.Truncate(priority)}' is not a key of {TargetsPath}");
        }

        /// <summary>
        /// What a <c>definitions</c> event puts in force (SPEC §3): <c>policy</c> replaces the policy, <c>calendars</c>
        /// replace or add calendars by id; the policy then in force must name a known calendar and have a target for
        /// the ticket's priority.
        /// </summary>
        public InForce Changed(JsonInput input)
        {
            var policyInput = input.Optional("policy");
            var calendarsInput = input.Optional("calendars");
            if (policyInput is null && calendarsInput is null)
            {
                throw input.Error("changes nothing: give a 'policy', 'calendars', or both");
            }

            CheckPolicySize(policyInput);
            var calendars = new Dictionary<string, BusinessCalendar>(Calendars, StringComparer.Ordinal);
            foreach (var (id, calendar) in calendarsInput?.Properties() ?? [])
            {
                CheckCalendarSize(calendar);
                calendars[id] = CalendarJson.Read(calendar);
            }

            var next = PolicyJson.Read(
                policyInput ?? PolicyInput,
                Policy.Ref with
                {
                    Version = Policy.Ref.Version + 1,
                },
                calendars.GetValueOrDefault
            );
            // After a cancellation the engine ignores the change, as it ignores every event.
            if (!Cancelled && CurrentPriority is { } priority && !next.Targets.ContainsKey(priority))
            {
                throw (policyInput?.Required("targets") ?? input).Error(
                    $"has no target for the ticket's priority '{JsonInput.Truncate(priority)}' at this instant"
                );
            }

            return new InForce(
                next,
                policyInput ?? PolicyInput,
                calendars,
                policyInput is { } given ? $"{given.Path}.targets" : TargetsPath,
                CurrentPriority,
                Cancelled
            );
        }

        /// <summary>What is in force after the priority an event sets.</summary>
        public InForce After(TicketEvent e) =>
            e switch
            {
                _ when Cancelled => this,
                TicketCreated c => this with { CurrentPriority = c.Priority },
                TicketPriorityChanged p => this with { CurrentPriority = p.Priority },
                TicketCancelled => this with { Cancelled = true },
                _ => this,
            };
    }
}
