using System.ComponentModel;
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

    /// <summary>Which tickets a rollout looks at: those on these policies (by default the rolled-out one's), narrowed.</summary>
    public sealed record RolloutFilter(
        string[]? PolicyId,
        string[]? Priority,
        string[]? ClientId,
        string[]? BoardId,
        [property: Description("running, paused or breached, just before the change.")] string[]? State
    );

    public sealed record Rollout(
        [property: Description("The policy to roll out (with its version), or give calendarId instead.")]
            string? PolicyId,
        int? Version,
        [property: Description("A calendar's latest version, as the versions it gave the policies on it.")]
            string? CalendarId,
        [property: Description("Now (the default) or later.")] string? EffectiveAt,
        RolloutFilter? Filter,
        [property: Description("True: preview only, change nothing. False: start the rollout.")] bool DryRun,
        [property: Description("A dry run's page: the 'next' of the previous one.")] string? Cursor,
        int? Limit
    );

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

    /// <summary>A ticket's SLA as <c>GET …/sla</c> answers it.</summary>
    public sealed record Status(
        string TenantId,
        string TicketId,
        string Priority,
        string AsOf,
        PhaseStatus[] Phases,
        Pause[] Pauses,
        Notification[] Notifications
    );

    public sealed record PhaseStatus(
        [property: Description("response or resolution.")] string Phase,
        int Cycle,
        [property: Description("running, paused, met, breached or cancelled.")] string State,
        string Target,
        string StartedAt,
        string? DueAt,
        string? CompletedAt,
        [property: Description("Business time left; null once the phase completed or was cancelled.")]
            string? Remaining,
        string Elapsed,
        string Paused
    );

    public sealed record Pause(
        string From,
        string? To,
        string Reason,
        [property: Description("status or explicit.")] string Source
    );

    /// <summary>A fired notification, as published to every sink (SPEC §6), with whether it was retracted since.</summary>
    public sealed record Notification(
        Guid NotificationId,
        string TenantId,
        string TicketId,
        [property: Description("response or resolution.")] string Phase,
        int Cycle,
        [property: Description(
            "warning, breach, escalation, or retraction: the withdrawal of the notification named in retracts."
        )]
            string Kind,
        decimal Percent,
        int? Level,
        string DueAt,
        string FiredAt,
        [property: Description(
            "For a retraction only: the notificationId of the notification it withdraws (same phase, cycle, "
                + "percent, level and due instant)."
        )]
            Guid? Retracts,
        [property: Description(
            "For a warning, breach or escalation only: whether a late event made it untrue and it was retracted; "
                + "its slot may fire again at its corrected instant, with a new notificationId."
        )]
            bool? Retracted
    );

    /// <summary>What a start or a command answers: its effect and the SLA after it.</summary>
    public sealed record Change(
        [property: Description("applied, ignored or duplicate.")] string Effect,
        string? Reason,
        Status Sla
    );

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
