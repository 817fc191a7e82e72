using SlaFunctions.Core.Events;
using static SlaFunctions.Testing.Events.Samples;

namespace SlaFunctions.Core.Tests.Events;

public class CorrelationRulesTests
{
    private static readonly CorrelationRules Rules = new([
        Rule("*", "payload.ticketId"),
        Rule("TICKET_*", "payload.ticket.id", "payload.ticketId"),
        Rule("TICKET_COMMENT_*", "payload.comment.ticketRef"),
        Rule("TICKET_MERGED", "payload.targetTicketId"),
    ]);

    [Fact]
    public void The_transport_key_wins_over_everything()
    {
        var e = Envelope("TICKET_RESOLVED", """{ "ticketId": "T-1" }""", correlationKey: "envelope-key");

        Assert.Equal("bus-key", Rules.Resolve(e, "bus-key"));
    }

    [Fact]
    public void The_envelope_key_wins_over_configured_paths()
    {
        var e = Envelope("TICKET_RESOLVED", """{ "ticketId": "T-1" }""", correlationKey: "envelope-key");

        Assert.Equal("envelope-key", Rules.Resolve(e));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void A_blank_transport_key_is_no_key(string? transportKey)
    {
        var e = Envelope("TICKET_RESOLVED", """{ "ticketId": "T-1" }""", correlationKey: "envelope-key");

        Assert.Equal("envelope-key", Rules.Resolve(e, transportKey));
    }

    [Fact]
    public void The_first_path_that_resolves_gives_the_key()
    {
        Assert.Equal(
            "T-nested",
            Rules.Resolve(Envelope("TICKET_RESOLVED", """{ "ticket": { "id": "T-nested" }, "ticketId": "T-flat" }"""))
        );
        Assert.Equal(
            "T-flat",
            Rules.Resolve(Envelope("TICKET_RESOLVED", """{ "ticket": { "id": "" }, "ticketId": "T-flat" }"""))
        );
        Assert.Equal(
            "T-flat",
            Rules.Resolve(Envelope("TICKET_RESOLVED", """{ "ticket": "T-nested", "ticketId": "T-flat" }"""))
        );
    }

    [Fact]
    public void An_exact_type_wins_over_every_pattern()
    {
        var e = Envelope("TICKET_MERGED", """{ "ticketId": "T-1", "targetTicketId": "T-2" }""");

        Assert.Equal("T-2", Rules.Resolve(e));
    }

    [Fact]
    public void A_longer_pattern_wins_over_a_shorter_one_and_only_its_paths_are_tried()
    {
        Assert.Equal(
            "T-3",
            Rules.Resolve(
                Envelope("TICKET_COMMENT_ADDED", """{ "ticketId": "T-1", "comment": { "ticketRef": "T-3" } }""")
            )
        );
        Assert.Null(Rules.Resolve(Envelope("TICKET_COMMENT_ADDED", """{ "ticketId": "T-1" }""")));
    }

    [Fact]
    public void The_catch_all_pattern_serves_other_event_types()
    {
        Assert.Equal(
            "T-9",
            Rules.Resolve(Envelope("INVOICE_PAID", """{ "ticketId": "T-9", "ticket": { "id": "T-0" } }"""))
        );
    }

    [Fact]
    public void Equally_specific_patterns_keep_their_configured_order()
    {
        var rules = new CorrelationRules([Rule("TICKET_*", "payload.a"), Rule("*CREATED", "payload.b")]);

        Assert.Equal(["payload.a"], rules.PathsFor("TICKET_CREATED").Select(p => p.Text));
    }

    [Theory]
    [InlineData("""{ "ticketId": 4711 }""", "4711")]
    [InlineData("""{ "ticketId": -12 }""", "-12")]
    [InlineData("""{ "ticketId": 123456789012345678901234567890 }""", "123456789012345678901234567890")]
    [InlineData("""{ "ticketId": " T 1 " }""", " T 1 ")]
    public void Strings_and_integers_are_keys_rendered_invariantly(string payload, string key)
    {
        Assert.Equal(key, CorrelationRules.Default.Resolve(Envelope("TICKET_RESOLVED", payload)));
    }

    [Theory]
    [InlineData("""{ }""")]
    [InlineData("""{ "ticketId": null }""")]
    [InlineData("""{ "ticketId": "" }""")]
    [InlineData("""{ "ticketId": "   " }""")]
    [InlineData("""{ "ticketId": 4.5 }""")]
    [InlineData("""{ "ticketId": 1e3 }""")]
    [InlineData("""{ "ticketId": true }""")]
    [InlineData("""{ "ticketId": ["T-1"] }""")]
    [InlineData("""{ "ticketId": { "id": "T-1" } }""")]
    [InlineData("""{ "ticketId": "T\u0000" }""")]
    [InlineData("""{ "TicketId": "T-1" }""")]
    public void Values_that_are_not_keys_leave_the_key_unresolved(string payload)
    {
        Assert.Null(CorrelationRules.Default.Resolve(Envelope("TICKET_RESOLVED", payload)));
    }

    [Fact]
    public void A_too_long_payload_value_is_not_a_key()
    {
        Assert.Null(
            CorrelationRules.Default.Resolve(
                Envelope("TICKET_RESOLVED", $$"""{ "ticketId": "{{Repeat('x', 201)}}" }""")
            )
        );
    }

    [Fact]
    public void The_event_id_is_never_the_key()
    {
        var e = Envelope("TICKET_RESOLVED", """{ "status": "done" }""", eventId: "evt-77");

        Assert.Null(CorrelationRules.Default.Resolve(e));
        Assert.Throws<ArgumentException>(() => PayloadPath.Parse("eventId"));
        Assert.Throws<ArgumentException>(() => PayloadPath.Parse("payload.eventId"));
    }

    [Fact]
    public void Without_a_matching_rule_there_are_no_paths()
    {
        var rules = new CorrelationRules([Rule("TICKET_*", "payload.ticketId")]);

        Assert.Empty(rules.PathsFor("INVOICE_PAID"));
        Assert.Null(rules.Resolve(Envelope("INVOICE_PAID", """{ "ticketId": "T-1" }""")));
    }

    [Fact]
    public void Overrides_replace_the_rule_of_the_same_pattern_and_keep_the_others()
    {
        var rules = Rules.With([Rule("*", "payload.key"), Rule("CASE_*", "payload.caseId")]);

        Assert.Equal(["payload.key"], rules.PathsFor("INVOICE_PAID").Select(p => p.Text));
        Assert.Equal(["payload.caseId"], rules.PathsFor("CASE_OPENED").Select(p => p.Text));
        Assert.Equal(["payload.targetTicketId"], rules.PathsFor("TICKET_MERGED").Select(p => p.Text));
        Assert.Equal(5, rules.Rules.Length);
    }

    [Fact]
    public void The_service_bus_correlation_id_comes_before_the_application_property()
    {
        var properties = new Dictionary<string, object> { ["correlationKey"] = "from-property" };

        Assert.Equal("from-id", CorrelationRules.TransportKey("from-id", properties));
        Assert.Equal("from-property", CorrelationRules.TransportKey(null, properties));
        Assert.Equal("from-property", CorrelationRules.TransportKey(" ", properties));
        Assert.Equal(
            "42",
            CorrelationRules.TransportKey(null, new Dictionary<string, object> { ["correlationKey"] = 42L })
        );
        Assert.Null(CorrelationRules.TransportKey(null, new Dictionary<string, object> { ["correlationKey"] = 4.2 }));
        Assert.Null(CorrelationRules.TransportKey(null, null));
    }

    [Theory]
    [InlineData("*", "TICKET_CREATED", true)]
    [InlineData("TICKET_*", "TICKET_CREATED", true)]
    [InlineData("TICKET_*", "TICKET_", true)]
    [InlineData("TICKET_*", "TICKETS", false)]
    [InlineData("*_CREATED", "TICKET_CREATED", true)]
    [InlineData("*_CREATED", "TICKET_CREATED_AGAIN", false)]
    [InlineData("T*_*D", "TICKET_CREATED", true)]
    [InlineData("T*_*D", "TICKET_CREATE", false)]
    [InlineData("TICKET_CREATED", "TICKET_CREATED", true)]
    [InlineData("TICKET_CREATED", "TICKET_CREATE", false)]
    [InlineData("**", "A", true)]
    public void Patterns_match_with_stars_for_any_run_of_characters(string pattern, string type, bool matches)
    {
        Assert.Equal(matches, EventTypePattern.Parse(pattern).Matches(type));
    }

    private static CorrelationRule Rule(string pattern, params string[] paths) =>
        new(EventTypePattern.Parse(pattern), [.. paths.Select(PayloadPath.Parse)]);
}
