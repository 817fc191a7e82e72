using System.Collections.Immutable;
using System.Globalization;
using NodaTime;
using SlaFunctions.Core.Json;

namespace SlaFunctions.Core.Events;

/// <summary>
/// Reads event settings (the <c>Sla:Events</c> configuration section as JSON) on top of the defaults: a
/// correlation rule replaces the default rule of the same pattern, a command rule the default rule of the
/// same event type. Every problem names its path.
/// </summary>
/// <example>
/// <code>
/// {
///   "parkingWindow": "7.00:00:00",
///   "correlation": [ { "eventType": "TICKET_*", "paths": ["payload.ticket.id", "payload.ticketId"] } ],
///   "commands": [
///     { "eventType": "TICKET_WAITING", "command": "pause", "fields": { "reason": "payload.waitingFor" } },
///     { "eventType": "TICKET_CLOSED", "command": "ignore" }
///   ]
/// }
/// </code>
/// </example>
public static class EventSettingsJson
{
    private static readonly Duration MinParkingWindow = Duration.FromMinutes(1);

    private static readonly Duration MaxParkingWindow = Duration.FromDays(365);

    public static EventSettings Read(string json) => JsonInput.Read(json, Read);

    public static EventSettings Read(JsonInput input)
    {
        input.AllowOnly("parkingWindow", "correlation", "commands");
        var defaults = EventSettings.Default;
        var window = input.Optional("parkingWindow") is { } w ? ReadWindow(w) : defaults.ParkingWindow;
        var correlation = input.Optional("correlation") is { } c
            ? defaults.Correlation.With(
                Distinct(c.Items().Select(ReadCorrelationRule), r => r.Rule.Pattern.Text, "pattern")
            )
            : defaults.Correlation;
        var commands = defaults.Commands;
        if (input.Optional("commands") is { } list)
        {
            foreach (var (type, rule) in Distinct(list.Items().Select(ReadCommandRule), r => r.Rule.Type, "event type"))
            {
                commands = commands.SetItem(type, rule);
            }
        }

        return new EventSettings(window, correlation, commands);
    }

    private static Duration ReadWindow(JsonInput input)
    {
        var text = input.AsText();
        if (
            !TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out var span)
            || Duration.FromTimeSpan(span) < MinParkingWindow
            || Duration.FromTimeSpan(span) > MaxParkingWindow
        )
        {
            throw input.Error(
                $"must be a duration as [d.]hh:mm:ss from 00:01:00 to 365.00:00:00 (got '{JsonInput.Truncate(text)}')"
            );
        }

        return Duration.FromTimeSpan(span);
    }

    private static (JsonInput Input, CorrelationRule Rule) ReadCorrelationRule(JsonInput input)
    {
        input.AllowOnly("eventType", "paths");
        var pattern = ReadPattern(input.Required("eventType"));
        var paths = input.Required("paths").Items().Select(ReadPath).ToImmutableArray();
        return paths.IsEmpty
            ? throw input.Required("paths").Error("must name at least one path")
            : (input, new CorrelationRule(pattern, paths));
    }

    private static (JsonInput Input, (string Type, CommandRule Rule) Rule) ReadCommandRule(JsonInput input)
    {
        input.AllowOnly("eventType", "command", "fields", "when");
        var type = EventEnvelopeJson.ReadEventType(input.Required("eventType"));
        var commandInput = input.Required("command");
        var name = commandInput.AsText();
        var command =
            Enum.GetValues<CommandKind>()
                .Cast<CommandKind?>()
                .FirstOrDefault(k => k.ToString()!.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw commandInput.Error(
                $"'{JsonInput.Truncate(name)}' is not a command (expected one of {string.Join(", ", Enum.GetNames<CommandKind>().Select(n => n.ToLowerInvariant()))})"
            );

        var arguments = CommandRule.ArgumentsOf(command);
        var fields = ImmutableDictionary.CreateBuilder<string, PayloadPath>(StringComparer.Ordinal);
        foreach (var (argument, value) in input.Optional("fields")?.Properties() ?? [])
        {
            if (!arguments.Contains(argument, StringComparer.Ordinal))
            {
                throw value.Error(
                    $"is not an argument of {name} (expected {(arguments.IsEmpty ? "none" : string.Join(", ", arguments))})"
                );
            }

            fields[argument] = ReadPath(value);
        }

        var when = input.Optional("when")?.Items().Select(ReadCondition).ToImmutableArray() ?? [];
        return (input, (type, new CommandRule(command) { Fields = fields.ToImmutable(), When = when }));
    }

    private static EventCondition ReadCondition(JsonInput input)
    {
        input.AllowOnly("path", "values");
        var path = ReadPath(input.Required("path"));
        var values = input.Required("values").Items().Select(PayloadValue.ReadScalar).ToImmutableArray();
        return values.IsEmpty
            ? throw input.Required("values").Error("must list at least one value")
            : new EventCondition(path, values);
    }

    private static EventTypePattern ReadPattern(JsonInput input)
    {
        var text = input.AsText();
        return EventTypePattern.IsValid(text)
            ? EventTypePattern.Parse(text)
            : throw input.Error(
                $"must be an event type or a pattern with * such as TICKET_* (got '{JsonInput.Truncate(text)}')"
            );
    }

    private static PayloadPath ReadPath(JsonInput input)
    {
        var text = input.AsText();
        return PayloadPath.Problem(text) is { } problem ? throw input.Error(problem) : PayloadPath.Parse(text);
    }

    /// <summary>The rules, refusing a second rule for the same pattern or event type at its path.</summary>
    private static IEnumerable<T> Distinct<T>(
        IEnumerable<(JsonInput Input, T Rule)> rules,
        Func<(JsonInput Input, T Rule), string> key,
        string what
    )
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            if (!seen.Add(key(rule)))
            {
                throw rule.Input.Error($"repeats the {what} {key(rule)}");
            }

            yield return rule.Rule;
        }
    }
}
