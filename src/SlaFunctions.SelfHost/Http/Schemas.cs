using System.Text.Json;

namespace SlaFunctions.SelfHost.Http;

/// <summary>
/// Body shapes for the OpenAPI document only: the handlers read bodies themselves so that every error
/// names its JSON path (SPEC §3 to §5 are the contract).
/// </summary>
public static class Schemas
{
    public sealed record None;

    public sealed record Hours(string Day, string Start, string End);

    public sealed record Holiday(string Date, bool? Recurring, string? Name);

    public sealed record Calendar(string? TimeZone, bool? Is24x7, Hours[]? Hours, Holiday[]? Holidays);

    public sealed record Target(int? ResponseMinutes, int? ResolutionMinutes, bool? Is24x7, decimal[]? Escalations);

    public sealed record Policy(
        string Calendar,
        Dictionary<string, Target> Targets,
        JsonElement[]? Thresholds,
        string[]? PauseStatuses
    );

    public sealed record Assignment(string? PolicyId);

    public sealed record Settings(int LateEventToleranceMinutes);

    public sealed record Start(
        string Priority,
        string? PolicyId,
        string? CreatedAt,
        string? ClientId,
        string? BoardId,
        string[]? CorrelationKeys,
        string? IdempotencyKey
    );

    public sealed record Command(string? At, string? IdempotencyKey, string? Reason, string? Priority, string? Status);

    public sealed record Envelope(
        string EventId,
        string EventType,
        string TenantId,
        string OccurredAt,
        JsonElement Payload,
        string? CorrelationKey
    );

    public sealed record Redeliver(string[]? NotificationIds, string? Sink);

    public sealed record Scenario(JsonElement Calendars, JsonElement Policy, JsonElement[] Events, string? Until);

    /// <summary>The query parameters of <c>GET …/slas</c>, as the OpenAPI document describes them.</summary>
    public static readonly (string Name, string Description)[] SearchParameters =
    [
        ("phase", "response or resolution: the phase the phase filters look at (default: either)."),
        ("state", "running, paused, met, breached or cancelled, as of now; several separated by commas."),
        ("breachesWithin", "ISO-8601 duration: running phases due within this much wall-clock time from now."),
        ("remainingBelow", "ISO-8601 duration: running phases with less business time than this left."),
        ("dueBefore", "Instant, exclusive: due instant before it (the phase's, else the ticket's earliest open one)."),
        ("dueAfter", "Instant, inclusive: due instant at or after it."),
        ("everBreached", "true or false: some phase, in any cycle, breached."),
        ("priority", "Current priority; several separated by commas."),
        ("policyId", "Policy id; several separated by commas."),
        ("clientId", "Client id given at the start; several separated by commas."),
        ("boardId", "Board id given at the start; several separated by commas."),
        ("createdBefore", "Instant, exclusive, on the ticket's creation."),
        ("createdAfter", "Instant, inclusive, on the ticket's creation."),
        ("updatedSince", "Instant, inclusive: the SLA changed at or after it."),
        (
            "sort",
            "dueAt (default, soonest first; tickets without an open due instant last), -dueAt, createdAt, -createdAt, updatedAt, -updatedAt."
        ),
        ("cursor", "The 'next' of the previous page, as given."),
        ("limit", "Items per page, 1 to 500 (default 50)."),
    ];

    /// <summary>The query parameters of <c>GET …/reports/compliance</c>.</summary>
    public static readonly (string Name, string Description)[] ComplianceParameters =
    [
        ("from", "Required: an instant, or a local date (its start in zone); inclusive."),
        ("to", "Required: an instant, or a local date (its start in zone); exclusive."),
        ("zone", "IANA time zone for local dates and for day, week and month groups (default UTC)."),
        ("groupBy", "One or more of phase, priority, policy, client, board, day, week, month, separated by commas."),
    ];

    /// <summary>Documents a route's query parameters in the OpenAPI document.</summary>
    public static RouteHandlerBuilder WithQuery(
        this RouteHandlerBuilder route,
        (string Name, string Description)[] parameters
    ) =>
        route.AddOpenApiOperationTransformer(
            (operation, _, _) =>
            {
                operation.Parameters ??= [];
                foreach (var (name, description) in parameters)
                {
                    operation.Parameters.Add(
                        new Microsoft.OpenApi.OpenApiParameter
                        {
                            Name = name,
                            In = Microsoft.OpenApi.ParameterLocation.Query,
                            Description = description,
                            Required = name is "from" or "to",
                            Schema = new Microsoft.OpenApi.OpenApiSchema
                            {
                                Type = Microsoft.OpenApi.JsonSchemaType.String,
                            },
                        }
                    );
                }

                return Task.CompletedTask;
            }
        );
}
