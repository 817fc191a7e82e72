using SlaFunctions.Core.Events;
using SlaFunctions.Core.Validation;
using static SlaFunctions.Testing.Events.Samples;

namespace SlaFunctions.Core.Tests.Events;

/// <summary>Every kind of bad envelope is refused with the JSON path at fault, never a crash.</summary>
public class EnvelopeValidationTests
{
    public static TheoryData<string, string, string> PlainCases() =>
        new()
        {
            // case name, edit (field=JSON, "-" removes), expected error path
            { "event id missing", "eventId=-", "$.eventId" },
            { "event id null", "eventId=null", "$.eventId" },
            { "event id a number", "eventId=1001", "$.eventId" },
            { "event id empty", "eventId=\"\"", "$.eventId" },
            { "event id blank", "eventId=\"   \"", "$.eventId" },
            { "event id of 201 characters", $"eventId={Quoted(Repeat('e', 201))}", "$.eventId" },
            { "event id with a control character", "eventId=\"evt\\u0001\"", "$.eventId" },
            { "event type missing", "eventType=-", "$.eventType" },
            { "event type in lower case", "eventType=\"ticket_created\"", "$.eventType" },
            { "event type in reverse DNS", "eventType=\"com.acme.ticket.created\"", "$.eventType" },
            { "event type with a trailing underscore", "eventType=\"TICKET_\"", "$.eventType" },
            { "event type with an empty word", "eventType=\"TICKET__CREATED\"", "$.eventType" },
            { "event type starting with a digit", "eventType=\"1TICKET\"", "$.eventType" },
            { "event type a number", "eventType=7", "$.eventType" },
            { "event type with a wildcard", "eventType=\"TICKET_*\"", "$.eventType" },
            { "tenant missing", "tenantId=-", "$.tenantId" },
            { "tenant an object", "tenantId={\"id\":\"acme\"}", "$.tenantId" },
            { "tenant of 201 characters", $"tenantId={Quoted(Repeat('t', 201))}", "$.tenantId" },
            { "tenant with a newline", "tenantId=\"ac\\nme\"", "$.tenantId" },
            { "occurred at missing", "occurredAt=-", "$.occurredAt" },
            { "occurred at without offset", "occurredAt=\"2026-03-09T14:00:00\"", "$.occurredAt" },
            { "occurred at a date", "occurredAt=\"2026-03-09\"", "$.occurredAt" },
            { "occurred at a unix time", "occurredAt=1773064800", "$.occurredAt" },
            { "occurred at on 30 February", "occurredAt=\"2026-02-30T14:00:00Z\"", "$.occurredAt" },
            { "occurred at in words", "occurredAt=\"yesterday\"", "$.occurredAt" },
            { "payload missing", "payload=-", "$.payload" },
            { "payload null", "payload=null", "$.payload" },
            { "payload an array", "payload=[{\"ticketId\":\"T-42\"}]", "$.payload" },
            { "payload as JSON text", "payload=\"{\\\"ticketId\\\":\\\"T-42\\\"}\"", "$.payload" },
            { "correlation key a number", "correlationKey=7", "$.correlationKey" },
            { "correlation key empty", "correlationKey=\"\"", "$.correlationKey" },
            { "correlation key of 201 characters", $"correlationKey={Quoted(Repeat('k', 201))}", "$.correlationKey" },
            { "correlation key with a tab", "correlationKey=\"crm\\t7\"", "$.correlationKey" },
        };

    public static TheoryData<string, string, string> CloudEventCases() =>
        new()
        {
            { "spec version 0.3", "specversion=\"0.3\"", "$.specversion" },
            { "spec version a number", "specversion=1.0", "$.specversion" },
            { "spec version null", "specversion=null", "$.specversion" },
            { "id missing", "id=-", "$.id" },
            { "id empty", "id=\"\"", "$.id" },
            { "id of 201 characters", $"id={Quoted(Repeat('i', 201))}", "$.id" },
            { "source missing", "source=-", "$.source" },
            { "source empty", "source=\"\"", "$.source" },
            { "type missing", "type=-", "$.type" },
            { "type in reverse DNS", "type=\"com.acme.ticket.priority\"", "$.type" },
            { "time missing", "time=-", "$.time" },
            { "time without offset", "time=\"2026-03-09T10:00:00\"", "$.time" },
            { "tenant missing", "tenantid=-", "$.tenantid" },
            { "tenant empty", "tenantid=\"\"", "$.tenantid" },
            { "tenant in camel case", "tenantId=\"acme\"", "$.tenantId" },
            { "correlation key in camel case", "correlationKey=\"crm-7\"", "$.correlationKey" },
            { "correlation key a number", "correlationkey=7", "$.correlationkey" },
            { "subject a number", "subject=42", "$.subject" },
            { "data content type XML", "datacontenttype=\"application/xml\"", "$.datacontenttype" },
            { "data content type text", "datacontenttype=\"text/plain\"", "$.datacontenttype" },
            { "data content type a number", "datacontenttype=1", "$.datacontenttype" },
            { "data missing", "data=-", "$.data" },
            { "data a string", "data=\"ticket T-42\"", "$.data" },
            { "binary data", "data_base64=\"eyJ0aWNrZXRJZCI6IlQtNDIifQ==\"", "$.data_base64" },
        };

    [Theory]
    [MemberData(nameof(PlainCases))]
    public void A_bad_plain_envelope_is_refused_naming_the_path(string name, string edit, string path) =>
        AssertRefused(name, Edit(Plain, edit), path);

    [Theory]
    [MemberData(nameof(CloudEventCases))]
    public void A_bad_cloud_event_is_refused_naming_the_path(string name, string edit, string path) =>
        AssertRefused(name, Edit(CloudEvent, edit), path);

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("\"TICKET_CREATED\"")]
    [InlineData("null")]
    [InlineData("{\"eventId\": \"e\",}")]
    public void What_is_not_a_json_object_is_refused_at_the_root(string json)
    {
        Assert.Equal("$", Assert.Throws<InvalidInputException>(() => EventEnvelopeJson.Read(json)).Path);
    }

    [Fact]
    public void The_error_says_what_is_wrong_in_one_line()
    {
        var error = Assert.Throws<InvalidInputException>(() =>
            EventEnvelopeJson.Read(Edit(CloudEvent, "specversion=\"0.3\""))
        );

        Assert.Equal("$.specversion: CloudEvents version '0.3' is not supported (expected 1.0)", error.Message);
    }

    private static void AssertRefused(string name, string json, string path)
    {
        var error = Assert.Throws<InvalidInputException>(() => EventEnvelopeJson.Read(json));

        Assert.True(error.Path == path, $"{name}: expected {path}, got {error.Message}");
        Assert.DoesNotContain('\n', error.Message);
    }
}
