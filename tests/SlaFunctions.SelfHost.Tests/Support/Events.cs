namespace SlaFunctions.SelfHost.Tests.Support;

/// <summary>Domain event envelopes (SPEC §5) for tests, as JSON text.</summary>
public static class Events
{
    public static string Envelope(
        string tenant,
        string id,
        string type,
        string occurredAt,
        string payload,
        string? correlationKey = null
    ) =>
        $$"""{ "eventId": "{{id}}", "eventType": "{{type}}", "tenantId": "{{tenant}}", "occurredAt": "{{occurredAt}}", "payload": {{payload}}{{(correlationKey is null ? "" : $", \"correlationKey\": \"{correlationKey}\"")}} }""";

    public static string Batch(params string[] envelopes) => "[" + string.Join(",", envelopes) + "]";

    public static string Created(string tenant, string id, string ticket, string at, string priority = "P1") =>
        Envelope(
            tenant,
            id,
            "TICKET_CREATED",
            at,
            $$"""{ "ticketId": "{{ticket}}", "priority": "{{priority}}", "policyId": "standard" }"""
        );

    public static string Status(string tenant, string id, string ticket, string at, string status) =>
        Envelope(
            tenant,
            id,
            "TICKET_STATUS_CHANGED",
            at,
            $$"""{ "ticketId": "{{ticket}}", "newStatus": "{{status}}" }"""
        );

    public static string Comment(
        string tenant,
        string id,
        string ticket,
        string at,
        bool isPublic,
        string authorType
    ) =>
        Envelope(
            tenant,
            id,
            "TICKET_COMMENT_ADDED",
            at,
            $$"""{ "ticketId": "{{ticket}}", "isPublic": {{(isPublic ? "true" : "false")}}, "authorType": "{{authorType}}" }"""
        );
}
