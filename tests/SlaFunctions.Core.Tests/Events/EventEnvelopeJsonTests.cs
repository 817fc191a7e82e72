using System.Text.Json;
using SlaFunctions.Core.Events;
using SlaFunctions.Core.Json;
using static SlaFunctions.Testing.Events.Samples;

namespace SlaFunctions.Core.Tests.Events;

public class EventEnvelopeJsonTests
{
    [Fact]
    public void A_plain_envelope_is_read_field_by_field()
    {
        var envelope = EventEnvelopeJson.Read(Plain);

        Assert.Equal("evt-1001", envelope.EventId);
        Assert.Equal("TICKET_STATUS_CHANGED", envelope.EventType);
        Assert.Equal("acme", envelope.TenantId);
        Assert.Equal(At("2026-03-09T14:00:00Z"), envelope.OccurredAt);
        Assert.Equal("awaiting_client", envelope.Payload.GetProperty("newStatus").GetString());
        Assert.Equal("crm-7", envelope.CorrelationKey);
    }

    [Fact]
    public void A_plain_envelope_without_correlation_key_has_none()
    {
        Assert.Null(EventEnvelopeJson.Read(Edit(Plain, "correlationKey=-")).CorrelationKey);
    }

    [Fact]
    public void A_cloud_event_is_mapped_field_by_field()
    {
        var envelope = EventEnvelopeJson.Read(CloudEvent);

        Assert.Equal("evt-2002", envelope.EventId);
        Assert.Equal("TICKET_PRIORITY_CHANGED", envelope.EventType);
        Assert.Equal("acme", envelope.TenantId);
        Assert.Equal(At("2026-03-09T14:00:00Z"), envelope.OccurredAt);
        Assert.Equal("P2", envelope.Payload.GetProperty("priority").GetString());
        Assert.Equal("crm-7", envelope.CorrelationKey);
    }

    [Fact]
    public void A_cloud_event_needs_only_its_required_attributes_and_ours()
    {
        var minimal = """
            { "specversion": "1.0", "id": "e", "source": "urn:helpdesk", "type": "TICKET_RESOLVED",
              "time": "2026-03-09T14:00:00Z", "tenantid": "acme", "data": { "ticketId": 7 } }
            """;

        var envelope = EventEnvelopeJson.Read(minimal);

        Assert.Null(envelope.CorrelationKey);
        Assert.Equal(7, envelope.Payload.GetProperty("ticketId").GetInt32());
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("text/json")]
    [InlineData("application/vnd.helpdesk.ticket+json")]
    [InlineData("Application/JSON")]
    public void Json_data_content_types_are_accepted(string contentType)
    {
        var envelope = EventEnvelopeJson.Read(Edit(CloudEvent, $"datacontenttype={Quoted(contentType)}"));

        Assert.Equal("evt-2002", envelope.EventId);
    }

    [Fact]
    public void Extension_attributes_and_unknown_plain_fields_are_ignored()
    {
        Assert.Equal("evt-2002", EventEnvelopeJson.Read(Edit(CloudEvent, "traceparent=\"00-abc-01\"")).EventId);
        Assert.Equal("evt-1001", EventEnvelopeJson.Read(Edit(Plain, "version=3")).EventId);
    }

    [Fact]
    public void The_same_event_as_plain_json_and_as_cloud_event_reads_the_same()
    {
        var cloud = EventEnvelopeJson.Read(CloudEvent);
        var plain = EventEnvelopeJson.Read(
            """
            { "eventId": "evt-2002", "eventType": "TICKET_PRIORITY_CHANGED", "tenantId": "acme",
              "occurredAt": "2026-03-09T14:00:00Z", "correlationKey": "crm-7",
              "payload": { "priority": "P2", "ticketId": "T-42" } }
            """
        );

        Assert.Equal(plain, cloud);
        Assert.Equal(plain.GetHashCode(), cloud.GetHashCode());
    }

    [Fact]
    public void Envelopes_differing_only_in_payload_are_different()
    {
        var a = EventEnvelopeJson.Read(Plain);
        var b = EventEnvelopeJson.Read(Edit(Plain, "payload.newStatus=\"open\""));

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void The_payload_outlives_the_document_it_was_read_from()
    {
        EventEnvelope envelope;
        using (var document = JsonDocument.Parse(Plain))
        {
            envelope = EventEnvelopeJson.Read(new JsonInput(document.RootElement, "$"));
        }

        Assert.Equal("T-42", envelope.Payload.GetProperty("ticketId").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_envelope_serializes_to_the_plain_envelope_whatever_the_options(bool slaOptions)
    {
        var envelope = EventEnvelopeJson.Read(CloudEvent);

        var json = slaOptions
            ? JsonSerializer.Serialize(envelope, SlaJson.Options)
            : JsonSerializer.Serialize(envelope);

        Assert.Contains("\"occurredAt\":\"2026-03-09T14:00:00Z\"", json, StringComparison.Ordinal);
        Assert.Equal(envelope, EventEnvelopeJson.Read(json));
        Assert.Equal(
            envelope,
            slaOptions
                ? JsonSerializer.Deserialize<EventEnvelope>(json, SlaJson.Options)
                : JsonSerializer.Deserialize<EventEnvelope>(json)
        );
    }

    [Fact]
    public void An_envelope_without_correlation_key_writes_none()
    {
        var json = JsonSerializer.Serialize(EventEnvelopeJson.Read(Edit(Plain, "correlationKey=-")));

        Assert.DoesNotContain("correlationKey", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_payload_must_be_an_object_even_when_built_in_code()
    {
        Assert.Throws<ArgumentException>(() => Envelope("TICKET_RESOLVED", "[1]"));
    }
}
