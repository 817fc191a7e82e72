using NodaTime;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Core.Tests.Events;

public class EventSettingsJsonTests
{
    [Fact]
    public void Empty_configuration_gives_the_defaults()
    {
        var settings = EventSettingsJson.Read("{}");

        Assert.Equal(Duration.FromDays(7), settings.ParkingWindow);
        Assert.Equal(["payload.ticketId"], settings.Correlation.PathsFor("ANYTHING").Select(p => p.Text));
        Assert.Equal(
            [
                "TICKET_CLOSED",
                "TICKET_COMMENT_ADDED",
                "TICKET_CREATED",
                "TICKET_DELETED",
                "TICKET_PRIORITY_CHANGED",
                "TICKET_REOPENED",
                "TICKET_RESOLVED",
                "TICKET_STATUS_CHANGED",
            ],
            settings.Commands.Keys.Order(StringComparer.Ordinal)
        );
        Assert.Equal(
            ["agent", "technician", "internal"],
            settings.Commands["TICKET_COMMENT_ADDED"].When[1].Values.ToArray()
        );
    }

    [Fact]
    public void Configuration_is_read_onto_the_defaults()
    {
        var settings = EventSettingsJson.Read(
            """
            {
              "parkingWindow": "2.12:00:00",
              "correlation": [
                { "eventType": "TICKET_*", "paths": ["payload.ticket.id", "payload.ticketId"] },
                { "eventType": "*", "paths": ["payload.reference"] }
              ],
              "commands": [
                { "eventType": "TICKET_WAITING", "command": "Pause", "fields": { "reason": "payload.waitingFor" } },
                { "eventType": "TICKET_CLOSED", "command": "ignore" }
              ]
            }
            """
        );

        Assert.Equal(Duration.FromHours(60), settings.ParkingWindow);
        Assert.Equal(
            ["payload.ticket.id", "payload.ticketId"],
            settings.Correlation.PathsFor("TICKET_CREATED").Select(p => p.Text)
        );
        Assert.Equal(["payload.reference"], settings.Correlation.PathsFor("INVOICE_PAID").Select(p => p.Text));
        Assert.Equal(2, settings.Correlation.Rules.Length);
        Assert.Equal(CommandKind.Pause, settings.Commands["TICKET_WAITING"].Command);
        Assert.Equal("payload.waitingFor", settings.Commands["TICKET_WAITING"].PathOf("reason").Text);
        Assert.Equal(CommandKind.Ignore, settings.Commands["TICKET_CLOSED"].Command);
        Assert.Equal(CommandKind.Resolve, settings.Commands["TICKET_RESOLVED"].Command);
    }

    [Fact]
    public void Arguments_keep_their_default_paths_unless_configured()
    {
        var rule = new CommandRule(CommandKind.Start);

        Assert.Equal("payload.ticketId", rule.PathOf("ticketId").Text);
        Assert.Equal("payload.newStatus", new CommandRule(CommandKind.Status).PathOf("status").Text);
        Assert.Throws<ArgumentException>(() => rule.PathOf("status"));
        Assert.Empty(CommandRule.ArgumentsOf(CommandKind.Resolve));
    }

    public static TheoryData<string, string> BadSettings() =>
        new()
        {
            { """{ "parkingWindows": "7.00:00:00" }""", "$.parkingWindows" },
            { """{ "parkingWindow": "7 days" }""", "$.parkingWindow" },
            { """{ "parkingWindow": "00:00:30" }""", "$.parkingWindow" },
            { """{ "parkingWindow": "400.00:00:00" }""", "$.parkingWindow" },
            { """{ "parkingWindow": "-1.00:00:00" }""", "$.parkingWindow" },
            { """{ "parkingWindow": 7 }""", "$.parkingWindow" },
            { """{ "correlation": { "*": ["payload.ticketId"] } }""", "$.correlation" },
            { """{ "correlation": [ { "paths": ["payload.ticketId"] } ] }""", "$.correlation[0].eventType" },
            {
                """{ "correlation": [ { "eventType": "ticket_*", "paths": ["payload.ticketId"] } ] }""",
                "$.correlation[0].eventType"
            },
            {
                """{ "correlation": [ { "eventType": "TICKET.*", "paths": ["payload.ticketId"] } ] }""",
                "$.correlation[0].eventType"
            },
            { """{ "correlation": [ { "eventType": "*" } ] }""", "$.correlation[0].paths" },
            { """{ "correlation": [ { "eventType": "*", "paths": [] } ] }""", "$.correlation[0].paths" },
            { """{ "correlation": [ { "eventType": "*", "paths": ["eventId"] } ] }""", "$.correlation[0].paths[0]" },
            {
                """{ "correlation": [ { "eventType": "*", "paths": ["payload.ticketId", "payload.eventId"] } ] }""",
                "$.correlation[0].paths[1]"
            },
            { """{ "correlation": [ { "eventType": "*", "paths": ["ticketId"] } ] }""", "$.correlation[0].paths[0]" },
            { """{ "correlation": [ { "eventType": "*", "paths": ["payload"] } ] }""", "$.correlation[0].paths[0]" },
            {
                """{ "correlation": [ { "eventType": "*", "paths": ["payload..id"] } ] }""",
                "$.correlation[0].paths[0]"
            },
            {
                """{ "correlation": [ { "eventType": "*", "paths": ["$.payload.ticketId"] } ] }""",
                "$.correlation[0].paths[0]"
            },
            {
                """{ "correlation": [ { "eventType": "*", "paths": ["payload.ticketIds[0]"] } ] }""",
                "$.correlation[0].paths[0]"
            },
            { """{ "correlation": [ { "eventType": "*", "paths": ["tenantId"] } ] }""", "$.correlation[0].paths[0]" },
            { """{ "correlation": [ { "eventType": "*", "paths": [7] } ] }""", "$.correlation[0].paths[0]" },
            {
                """{ "correlation": [ { "eventType": "*", "paths": ["payload.a"] }, { "eventType": "*", "paths": ["payload.b"] } ] }""",
                "$.correlation[1]"
            },
            { """{ "correlation": [ { "eventType": "*", "path": "payload.a" } ] }""", "$.correlation[0].path" },
            { """{ "commands": [ { "eventType": "TICKET_X", "command": "explode" } ] }""", "$.commands[0].command" },
            { """{ "commands": [ { "eventType": "TICKET_X", "command": "3" } ] }""", "$.commands[0].command" },
            {
                """{ "commands": [ { "eventType": "TICKET_X", "command": "pause,cancel" } ] }""",
                "$.commands[0].command"
            },
            { """{ "commands": [ { "eventType": "TICKET_X" } ] }""", "$.commands[0].command" },
            { """{ "commands": [ { "eventType": "TICKET_*", "command": "resolve" } ] }""", "$.commands[0].eventType" },
            {
                """{ "commands": [ { "eventType": "TICKET_X", "command": "priority", "fields": { "level": "payload.level" } } ] }""",
                "$.commands[0].fields.level"
            },
            {
                """{ "commands": [ { "eventType": "TICKET_X", "command": "ignore", "fields": { "reason": "payload.reason" } } ] }""",
                "$.commands[0].fields.reason"
            },
            {
                """{ "commands": [ { "eventType": "TICKET_X", "command": "status", "fields": { "status": "eventId" } } ] }""",
                "$.commands[0].fields.status"
            },
            {
                """{ "commands": [ { "eventType": "TICKET_X", "command": "respond", "when": [ { "path": "isPublic", "values": [true] } ] } ] }""",
                "$.commands[0].when[0].path"
            },
            {
                """{ "commands": [ { "eventType": "TICKET_X", "command": "respond", "when": [ { "path": "payload.isPublic", "values": [] } ] } ] }""",
                "$.commands[0].when[0].values"
            },
            {
                """{ "commands": [ { "eventType": "TICKET_X", "command": "respond", "when": [ { "path": "payload.isPublic", "values": [{}] } ] } ] }""",
                "$.commands[0].when[0].values[0]"
            },
            {
                """{ "commands": [ { "eventType": "TICKET_X", "command": "respond", "when": { "path": "payload.isPublic" } } ] }""",
                "$.commands[0].when"
            },
            {
                """{ "commands": [ { "eventType": "TICKET_X", "command": "resolve" }, { "eventType": "TICKET_X", "command": "cancel" } ] }""",
                "$.commands[1]"
            },
            { """{ "commands": [ { "eventType": "TICKET_X", "action": "resolve" } ] }""", "$.commands[0].action" },
        };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Bad_configuration_is_refused_naming_the_path(string json, string path)
    {
        var error = Assert.Throws<InvalidInputException>(() => EventSettingsJson.Read(json));

        Assert.True(error.Path == path, $"{json}: expected {path}, got {error.Message}");
    }

    [Fact]
    public void A_path_to_the_event_id_is_refused_with_the_reason()
    {
        var error = Assert.Throws<InvalidInputException>(() =>
            EventSettingsJson.Read("""{ "correlation": [ { "eventType": "*", "paths": ["eventId"] } ] }""")
        );

        Assert.Contains("event id", error.Problem, StringComparison.Ordinal);
    }
}
