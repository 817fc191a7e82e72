using SlaFunctions.Core.Events;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using static SlaFunctions.Testing.Events.Samples;

namespace SlaFunctions.Core.Tests.Events;

public class EventRouterTests
{
    private static readonly EventRouter Router = new(EventSettings.Default);

    private const string When = "2026-03-09T14:00:00Z";

    [Fact]
    public void Ticket_created_starts_the_sla_with_every_field()
    {
        var e = Envelope(
            "TICKET_CREATED",
            """
            { "ticketId": "T-42", "priority": "P1", "policyId": "gold", "clientId": 17, "boardId": "support",
              "correlationKeys": ["crm-7", 99, "T-42"] }
            """,
            eventId: "evt-created"
        );

        var start = Assert.IsType<StartSla>(Router.Route(e));

        Assert.Equal("T-42", start.CorrelationKey);
        Assert.Equal(new TicketKey("acme", "T-42"), start.Ticket);
        Assert.Equal("P1", start.Request.Priority);
        Assert.Equal("gold", start.Request.PolicyId);
        Assert.Equal("17", start.Request.ClientId);
        Assert.Equal("support", start.Request.BoardId);
        Assert.Equal(At(When), start.Request.CreatedAt);
        Assert.Equal("evt-created", start.Request.Id);
        Assert.Equal(["crm-7", "99", "T-42"], start.Request.CorrelationKeys.ToArray());
        Assert.Equal(["T-42", "crm-7", "99"], start.SubscriptionKeys.ToArray());
    }

    [Fact]
    public void Ticket_created_needs_only_the_ticket_and_priority()
    {
        var start = Assert.IsType<StartSla>(
            Router.Route(Envelope("TICKET_CREATED", """{ "ticketId": 42, "priority": 3 }"""))
        );

        Assert.Equal(new TicketKey("acme", "42"), start.Ticket);
        Assert.Equal("3", start.Request.Priority);
        Assert.Null(start.Request.PolicyId);
        Assert.Null(start.Request.ClientId);
        Assert.Null(start.Request.BoardId);
        Assert.Empty(start.Request.CorrelationKeys.ToArray());
    }

    [Fact]
    public void Ticket_created_with_an_explicit_key_subscribes_to_that_key_and_its_own()
    {
        var start = Assert.IsType<StartSla>(
            Router.Route(
                Envelope("TICKET_CREATED", """{ "ticketId": "T-1", "priority": "P1", "correlationKeys": ["x"] }"""),
                "bus-key"
            )
        );

        Assert.Equal(["bus-key", "x"], start.SubscriptionKeys.ToArray());
        Assert.Equal("T-1", start.Ticket.TicketId);
    }

    public static TheoryData<string, TicketEvent> TicketEvents() =>
        new()
        {
            { "TICKET_STATUS_CHANGED", new TicketStatusChanged(At(When), "awaiting_client") },
            { "TICKET_COMMENT_ADDED", new TicketResponded(At(When)) },
            { "TICKET_RESOLVED", new TicketResolved(At(When)) },
            { "TICKET_CLOSED", new TicketResolved(At(When)) },
            { "TICKET_REOPENED", new TicketReopened(At(When)) },
            { "TICKET_PRIORITY_CHANGED", new TicketPriorityChanged(At(When), "P2") },
            { "TICKET_DELETED", new TicketCancelled(At(When)) },
        };

    [Theory]
    [MemberData(nameof(TicketEvents))]
    public void Each_ticket_event_type_applies_its_command_with_the_event_id_and_instant(
        string type,
        TicketEvent expected
    )
    {
        var e = Envelope(
            type,
            """
            { "ticketId": "T-42", "previousStatus": "open", "newStatus": "awaiting_client", "priority": "P2",
              "isPublic": true, "authorType": "agent" }
            """,
            eventId: "evt-9"
        );

        var apply = Assert.IsType<ApplyEvent>(Router.Route(e));

        Assert.Equal("T-42", apply.CorrelationKey);
        Assert.Equal(expected with { Id = "evt-9", Digest = e.ContentDigest() }, apply.Event);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("Technician")]
    [InlineData("INTERNAL")]
    public void A_public_comment_by_an_internal_user_is_a_response(string authorType)
    {
        var e = Envelope(
            "TICKET_COMMENT_ADDED",
            $$"""{ "ticketId": "T-1", "isPublic": true, "authorType": "{{authorType}}" }"""
        );

        Assert.IsType<TicketResponded>(Assert.IsType<ApplyEvent>(Router.Route(e)).Event);
    }

    [Theory]
    [InlineData("""{ "ticketId": "T-1", "isPublic": false, "authorType": "agent" }""", "payload.isPublic is 'false'")]
    [InlineData(
        """{ "ticketId": "T-1", "isPublic": true, "authorType": "customer" }""",
        "payload.authorType is 'customer'"
    )]
    [InlineData(
        """{ "ticketId": "T-1", "isPublic": true, "authorType": "contact" }""",
        "payload.authorType is 'contact'"
    )]
    [InlineData(
        """{ "ticketId": "T-1", "isPublic": true, "authorType": "system" }""",
        "payload.authorType is 'system'"
    )]
    [InlineData("""{ "isPublic": false, "authorType": "agent" }""", "payload.isPublic is 'false'")]
    public void A_private_comment_or_one_from_outside_the_help_desk_is_ignored_with_the_reason(
        string payload,
        string reason
    )
    {
        var ignored = Assert.IsType<IgnoredEvent>(Router.Route(Envelope("TICKET_COMMENT_ADDED", payload)));

        Assert.StartsWith(reason, ignored.Reason, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> InvalidEvents() =>
        new()
        {
            { "TICKET_CREATED", """{ "priority": "P1" }""", "$.payload.ticketId" },
            { "TICKET_CREATED", """{ "ticketId": "T-1" }""", "$.payload.priority" },
            { "TICKET_CREATED", """{ "ticketId": {}, "priority": "P1" }""", "$.payload.ticketId" },
            { "TICKET_CREATED", """{ "ticketId": "T-1", "priority": "" }""", "$.payload.priority" },
            { "TICKET_CREATED", """{ "ticketId": "T-1", "priority": 1.5 }""", "$.payload.priority" },
            { "TICKET_CREATED", """{ "ticketId": "T-1", "priority": "P1", "policyId": true }""", "$.payload.policyId" },
            { "TICKET_CREATED", """{ "ticketId": "T-1", "priority": "P1", "clientId": [] }""", "$.payload.clientId" },
            { "TICKET_CREATED", """{ "ticketId": "T-1", "priority": "P1", "boardId": "" }""", "$.payload.boardId" },
            {
                "TICKET_CREATED",
                """{ "ticketId": "T-1", "priority": "P1", "correlationKeys": "crm-7" }""",
                "$.payload.correlationKeys"
            },
            {
                "TICKET_CREATED",
                """{ "ticketId": "T-1", "priority": "P1", "correlationKeys": ["a", {}] }""",
                "$.payload.correlationKeys[1]"
            },
            {
                "TICKET_CREATED",
                $$"""{ "ticketId": "T-1", "priority": "P1", "correlationKeys": [{{string.Join(",", Enumerable.Range(0, 21))}}] }""",
                "$.payload.correlationKeys"
            },
            { "TICKET_STATUS_CHANGED", """{ "ticketId": "T-1", "previousStatus": "open" }""", "$.payload.newStatus" },
            { "TICKET_STATUS_CHANGED", """{ "ticketId": "T-1", "newStatus": "on\nhold" }""", "$.payload.newStatus" },
            { "TICKET_PRIORITY_CHANGED", """{ "ticketId": "T-1" }""", "$.payload.priority" },
            { "TICKET_PRIORITY_CHANGED", """{ "ticketId": "T-1", "priority": null }""", "$.payload.priority" },
            { "TICKET_COMMENT_ADDED", """{ "ticketId": "T-1", "authorType": "agent" }""", "$.payload.isPublic" },
            { "TICKET_COMMENT_ADDED", """{ "ticketId": "T-1", "isPublic": true }""", "$.payload.authorType" },
            {
                "TICKET_COMMENT_ADDED",
                """{ "ticketId": "T-1", "isPublic": { "value": true }, "authorType": "agent" }""",
                "$.payload.isPublic"
            },
        };

    [Theory]
    [MemberData(nameof(InvalidEvents))]
    public void A_mapped_event_with_a_missing_or_invalid_field_is_an_invalid_event_naming_the_path(
        string type,
        string payload,
        string path
    )
    {
        var rejected = Assert.IsType<RejectedEvent>(Router.Route(Envelope(type, payload)));

        Assert.Equal(DeadLetterReason.InvalidEvent, rejected.Rejection.Reason);
        Assert.Equal(path, rejected.Rejection.Path);
    }

    [Fact]
    public void An_unknown_event_type_is_rejected_for_the_dead_letters()
    {
        var rejected = Assert.IsType<RejectedEvent>(
            Router.Route(Envelope("TICKET_ASSIGNED", """{ "ticketId": "T-1" }"""))
        );

        Assert.Equal(DeadLetterReason.UnknownEventType, rejected.Rejection.Reason);
        Assert.Equal("$.eventType", rejected.Rejection.Path);
        Assert.StartsWith(
            "$.eventType: 'TICKET_ASSIGNED' is not a mapped event type (mapped: TICKET_CLOSED, ",
            rejected.Rejection.Description,
            StringComparison.Ordinal
        );
    }

    [Fact]
    public void An_event_whose_key_cannot_be_resolved_is_rejected_naming_the_path_tried()
    {
        var rejected = Assert.IsType<RejectedEvent>(
            Router.Route(Envelope("TICKET_RESOLVED", """{ "ticket": "T-1" }""", eventId: "evt-5"))
        );

        Assert.Equal(DeadLetterReason.CorrelationUnresolved, rejected.Rejection.Reason);
        Assert.Equal("$.payload.ticketId", rejected.Rejection.Path);
        Assert.DoesNotContain("evt-5", rejected.Rejection.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_any_configured_path_the_unresolved_key_points_at_the_envelope_key()
    {
        var router = new EventRouter(EventSettings.Default with { Correlation = new CorrelationRules([]) });

        var rejected = Assert.IsType<RejectedEvent>(
            router.Route(Envelope("TICKET_RESOLVED", """{ "ticketId": "T-1" }"""))
        );

        Assert.Equal(
            ("CorrelationUnresolved", "$.correlationKey"),
            (rejected.Rejection.Reason, rejected.Rejection.Path)
        );
        Assert.IsType<ApplyEvent>(router.Route(Envelope("TICKET_RESOLVED", "{}", correlationKey: "k")));
    }

    [Fact]
    public void An_ignored_event_needs_no_correlation_key()
    {
        Assert.IsType<IgnoredEvent>(
            Router.Route(Envelope("TICKET_COMMENT_ADDED", """{ "isPublic": false, "authorType": "agent" }"""))
        );
    }

    [Fact]
    public void The_explicit_keys_route_ahead_of_the_payload()
    {
        var e = Envelope("TICKET_RESOLVED", """{ "ticketId": "T-1" }""", correlationKey: "crm-7");

        Assert.Equal("crm-7", Assert.IsType<ApplyEvent>(Router.Route(e)).CorrelationKey);
        Assert.Equal("bus-1", Assert.IsType<ApplyEvent>(Router.Route(e, "bus-1")).CorrelationKey);
    }

    [Theory]
    [InlineData("bus\u0001key")]
    [InlineData(
        "a-key-that-is-far-too-long-a-key-that-is-far-too-long-a-key-that-is-far-too-long-a-key-that-is-far-too-long-a-key-that-is-far-too-long-a-key-that-is-far-too-long-a-key-that-is-far-too-long-a-key-that-is"
    )]
    public void A_transport_key_that_is_not_an_id_is_an_invalid_envelope(string transportKey)
    {
        var rejected = Assert.IsType<RejectedEvent>(
            Router.Route(Envelope("TICKET_RESOLVED", """{ "ticketId": "T-1" }"""), transportKey)
        );

        Assert.Equal(
            (DeadLetterReason.InvalidEnvelope, "message.correlationKey"),
            (rejected.Rejection.Reason, rejected.Rejection.Path)
        );
    }

    [Fact]
    public void Configured_commands_extend_and_override_the_defaults()
    {
        var settings = EventSettingsJson.Read(
            """
            {
              "commands": [
                { "eventType": "TICKET_WAITING", "command": "pause", "fields": { "reason": "payload.waitingFor" } },
                { "eventType": "TICKET_ANSWERED", "command": "resume", "fields": { "reason": "payload.waitingFor" } },
                { "eventType": "TICKET_STATUS_CHANGED", "command": "status", "fields": { "status": "payload.status.name" } },
                { "eventType": "TICKET_ASSIGNED", "command": "ignore" },
                { "eventType": "TICKET_CLOSED", "command": "ignore" }
              ]
            }
            """
        );
        var router = new EventRouter(settings);

        Assert.Equal(
            new TicketPaused(At(When), "customer") { Id = "evt-1" },
            Assert
                .IsType<ApplyEvent>(
                    router.Route(Envelope("TICKET_WAITING", """{ "ticketId": "T-1", "waitingFor": "customer" }"""))
                )
                .Event with
            {
                Digest = null,
            }
        );
        Assert.Equal(
            new TicketResumed(At(When), "customer") { Id = "evt-1" },
            Assert
                .IsType<ApplyEvent>(
                    router.Route(Envelope("TICKET_ANSWERED", """{ "ticketId": "T-1", "waitingFor": "customer" }"""))
                )
                .Event with
            {
                Digest = null,
            }
        );
        Assert.Equal(
            new TicketStatusChanged(At(When), "On Hold") { Id = "evt-1" },
            Assert
                .IsType<ApplyEvent>(
                    router.Route(
                        Envelope("TICKET_STATUS_CHANGED", """{ "ticketId": "T-1", "status": { "name": "On Hold" } }""")
                    )
                )
                .Event with
            {
                Digest = null,
            }
        );
        Assert.Equal(
            "TICKET_ASSIGNED is configured to be ignored",
            Assert.IsType<IgnoredEvent>(router.Route(Envelope("TICKET_ASSIGNED", "{}"))).Reason
        );
        Assert.IsType<IgnoredEvent>(router.Route(Envelope("TICKET_CLOSED", """{ "ticketId": "T-1" }""")));
        Assert.IsType<TicketResolved>(
            Assert.IsType<ApplyEvent>(router.Route(Envelope("TICKET_RESOLVED", """{ "ticketId": "T-1" }"""))).Event
        );
    }

    [Fact]
    public void A_configured_field_path_is_named_when_it_is_missing()
    {
        var router = new EventRouter(
            EventSettingsJson.Read(
                """{ "commands": [ { "eventType": "TICKET_STATUS_CHANGED", "command": "status", "fields": { "status": "payload.status.name" } } ] }"""
            )
        );

        var rejected = Assert.IsType<RejectedEvent>(
            router.Route(Envelope("TICKET_STATUS_CHANGED", """{ "ticketId": "T-1", "status": {} }"""))
        );

        Assert.Equal("$.payload.status.name: is required", rejected.Rejection.Description);
    }

    [Fact]
    public void Author_types_of_another_ticket_system_are_configured_with_the_comment_rule()
    {
        var router = new EventRouter(
            EventSettingsJson.Read(
                """
                { "commands": [ { "eventType": "TICKET_COMMENT_ADDED", "command": "respond", "when": [
                    { "path": "payload.isPublic", "values": [true] },
                    { "path": "payload.authorType", "values": ["member", "resource"] } ] } ] }
                """
            )
        );

        Assert.IsType<ApplyEvent>(
            router.Route(
                Envelope("TICKET_COMMENT_ADDED", """{ "ticketId": "T-1", "isPublic": true, "authorType": "member" }""")
            )
        );
        Assert.IsType<IgnoredEvent>(
            router.Route(
                Envelope("TICKET_COMMENT_ADDED", """{ "ticketId": "T-1", "isPublic": true, "authorType": "agent" }""")
            )
        );
    }

    [Fact]
    public void A_parked_event_routed_again_with_its_key_gives_the_same_command()
    {
        var e = Envelope("TICKET_STATUS_CHANGED", """{ "newStatus": "on_hold" }""");
        var first = Assert.IsType<ApplyEvent>(Router.Route(e, "bus-key"));

        Assert.Equal(first, Router.Route(e, first.CorrelationKey));
    }

    [Fact]
    public void A_rejection_is_placed_under_its_batch_item()
    {
        var rejection = new Rejection(DeadLetterReason.InvalidEvent, "$.payload.priority", "is required");

        Assert.Equal("$[3].payload.priority: is required", rejection.Under("$[3]").Description);
        Assert.Equal("message.correlationKey", new Rejection("x", "message.correlationKey", "p").Under("$[3]").Path);
    }
}
