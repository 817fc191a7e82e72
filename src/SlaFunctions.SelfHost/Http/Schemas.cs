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

    public sealed record Policy(string Calendar, Dictionary<string, Target> Targets, JsonElement[]? Thresholds, string[]? PauseStatuses);

    public sealed record Assignment(string? PolicyId);

    public sealed record Start(string Priority, string? PolicyId, string? CreatedAt, string? ClientId, string? BoardId, string[]? CorrelationKeys, string? IdempotencyKey);

    public sealed record Command(string? At, string? IdempotencyKey, string? Reason, string? Priority, string? Status);

    public sealed record Envelope(string EventId, string EventType, string TenantId, string OccurredAt, JsonElement Payload, string? CorrelationKey);

    public sealed record Redeliver(string[]? NotificationIds, string? Sink);

    public sealed record Scenario(JsonElement Calendars, JsonElement Policy, JsonElement[] Events, string? Until);
}
