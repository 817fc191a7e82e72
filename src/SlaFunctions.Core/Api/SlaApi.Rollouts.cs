using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NodaTime;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Rollouts;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Core.Api;

public sealed partial class SlaApi
{
    private static readonly ImmutableDictionary<string, PhaseOutcome> RolloutStates = new Dictionary<
        string,
        PhaseOutcome
    >
    {
        ["running"] = PhaseOutcome.Running,
        ["paused"] = PhaseOutcome.Paused,
        ["breached"] = PhaseOutcome.Breached,
    }.ToImmutableDictionary(StringComparer.Ordinal);

    /// <summary>
    /// <c>POST /api/tenants/{tenant}/rollouts</c>: a policy version to put in force on the tenant's open tickets
    /// (SPEC §2 "Definition change"). A dry run (<c>"dryRun": true</c>) changes nothing and answers, per matching
    /// ticket, its due instants and states just before and after the change and what would fire at it, and a summary
    /// of all matched, paged (<c>cursor</c>, <c>limit</c>); CSV when the caller accepts <c>text/csv</c> and not JSON.
    /// Otherwise the rollout is started (202, its progress, at <c>Location</c>) and applied in batches from its
    /// effective instant on.
    /// </summary>
    public Task<ApiResponse> RolloutAsync(
        string? authorization,
        string tenant,
        string body,
        string? accept,
        CancellationToken cancellationToken = default
    ) =>
        AsTenant(
            authorization,
            tenant,
            async () =>
            {
                var (read, dryRun, cursor, limit) = JsonInput.Read(body, ReadRollout);
                var plan = await read.ResolvedAsync(rollouts, tenant, cancellationToken);

                if (!dryRun)
                {
                    var started = await rolloutRuns.StartAsync(tenant, plan, cancellationToken);
                    return ProgressJson(started, 202) with
                    {
                        Headers = ImmutableDictionary<string, string>.Empty.Add(
                            "Location",
                            $"/api/tenants/{Uri.EscapeDataString(tenant)}/rollouts/{started.Id:D}"
                        ),
                    };
                }

                var preview = await rollouts.PreviewAsync(tenant, plan, cursor, limit, null, cancellationToken);
                return WantsCsv(accept)
                    ? new ApiResponse(200, RolloutCsv.Write(preview), Csv)
                    : RolloutJson(tenant, plan, preview);
            }
        );

    /// <summary><c>GET /api/tenants/{tenant}/rollouts/{id}</c>: a started rollout's progress and what it did.</summary>
    public Task<ApiResponse> GetRolloutAsync(
        string? authorization,
        string tenant,
        string rolloutId,
        CancellationToken cancellationToken = default
    ) =>
        AsTenant(
            authorization,
            tenant,
            async () =>
                await rolloutRuns.GetAsync(tenant, RolloutProgress.ParseId(rolloutId, "rolloutId"), cancellationToken)
                    is { } progress
                    ? ProgressJson(progress)
                    : RolloutNotFound(tenant, rolloutId)
        );

    /// <summary>
    /// <c>POST /api/tenants/{tenant}/rollouts/{id}/cancel</c>: stops a rollout that has not finished (the tickets it
    /// changed keep the change); again on a cancelled one, the same answer; 409 once it is done.
    /// </summary>
    public Task<ApiResponse> CancelRolloutAsync(
        string? authorization,
        string tenant,
        string rolloutId,
        CancellationToken cancellationToken = default
    ) =>
        AsTenant(
            authorization,
            tenant,
            async () =>
                await rolloutRuns.CancelAsync(
                    tenant,
                    RolloutProgress.ParseId(rolloutId, "rolloutId"),
                    cancellationToken
                ) switch
                {
                    null => RolloutNotFound(tenant, rolloutId),
                    { State: RolloutState.Done } => Problem.Conflict(
                        "rolloutId",
                        "the rollout is done: every ticket it matched has the change"
                    ),
                    var progress => ProgressJson(progress),
                }
        );

    private static ApiResponse RolloutNotFound(string tenant, string rolloutId) =>
        Problem.NotFound("rolloutId", $"no rollout '{rolloutId}' in tenant '{tenant}'");

    private (RolloutPlan Plan, bool DryRun, string? Cursor, int Limit) ReadRollout(JsonInput input)
    {
        input.AllowOnly("policyId", "version", "calendarId", "effectiveAt", "filter", "dryRun", "cursor", "limit");
        var calendar = input.Optional("calendarId");
        if (calendar is not null && input.Optional("policyId") is { } both)
        {
            throw both.Error("give a policy (with its version) or a calendar, not both");
        }

        if (calendar is not null && input.Optional("version") is { } calendarVersion)
        {
            throw calendarVersion.Error(
                "a calendar is rolled out at its latest version, as the versions it gave the policies on it"
            );
        }
        var dryRun = input.Required("dryRun").AsFlag();
        if (!dryRun)
        {
            foreach (var paging in new[] { "cursor", "limit" })
            {
                if (input.Optional(paging) is { } given)
                {
                    throw given.Error("pages a dry run only; a started rollout is read at its Location");
                }
            }
        }

        var effectiveAt = RolloutPlan.EffectiveFrom(input.Optional("effectiveAt")?.AsInstant(), Now, "$.effectiveAt");
        var plan = calendar is not null
            ? RolloutPlan.OfCalendar(calendar.Value.AsName(), effectiveAt)
            : new RolloutPlan(
                new PolicyRef(
                    input.Required("policyId").AsName(),
                    input.Required("version").AsWholeNumber(1, int.MaxValue)
                ),
                effectiveAt
            );
        if (input.Optional("filter") is { } filter)
        {
            filter.AllowOnly("policyId", "priority", "clientId", "boardId", "state");
            plan = plan with
            {
                PolicyIds = Names(filter.Optional("policyId")),
                Priorities = Names(filter.Optional("priority")),
                ClientIds = Names(filter.Optional("clientId")),
                BoardIds = Names(filter.Optional("boardId")),
                States =
                [
                    .. (filter.Optional("state")?.Items() ?? []).Select(s =>
                        RolloutStates.TryGetValue(s.AsText(), out var state)
                            ? state
                            : throw s.Error(
                                $"'{JsonInput.Truncate(s.AsText())}' is not a state a rollout can select (running, paused, breached)"
                            )
                    ),
                ],
            };
        }

        var limit = input.Optional("limit")?.AsWholeNumber(1, SlaSearch.MaxLimit) ?? SlaSearch.DefaultLimit;
        return (plan, dryRun, input.Optional("cursor")?.AsName(), limit);
    }

    private static ImmutableArray<string> Names(JsonInput? list) =>
        list is { } names ? [.. names.Items().Select(n => n.AsName())] : [];

    private static ApiResponse RolloutJson(string tenant, RolloutPlan plan, RolloutPreviewPage page) =>
        ApiResponse.Ok(json =>
        {
            json.WriteStartObject();
            WritePlan(json, plan);
            json.WriteBoolean("dryRun", true);
            WriteSummary(json, page.Summary);
            json.WriteStartArray("tickets");
            foreach (var ticket in page.Tickets)
            {
                json.WriteStartObject();
                json.WriteString("ticketId", ticket.TicketId);
                json.WriteString("priority", ticket.Priority);
                json.WriteString("policyId", ticket.Current.Id);
                json.WriteNumber("policyVersion", ticket.Current.Version);
                json.WriteString("effect", WireNames.Of(ticket.Effect));
                if (ticket.Skipped is { } reason)
                {
                    json.WriteString("skipped", reason);
                }

                json.WriteStartArray("phases");
                foreach (var phase in ticket.Phases)
                {
                    json.WriteStartObject();
                    json.WriteString("phase", WireNames.Of(phase.Phase));
                    json.WriteNumber("cycle", phase.Cycle);
                    json.WriteInstant("dueBefore", phase.DueBefore);
                    json.WriteInstant("dueAfter", phase.DueAfter);
                    WriteState(json, "stateBefore", phase.StateBefore);
                    WriteState(json, "stateAfter", phase.StateAfter);
                    json.WriteDuration("remainingBefore", phase.LeftBefore);
                    json.WriteDuration("remainingAfter", phase.LeftAfter);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteStartArray("firesAtChange");
                foreach (var fired in ticket.FiresAtChange)
                {
                    JsonSerializer.Serialize(
                        json,
                        NotificationMessage.From(new TicketKey(tenant, ticket.TicketId), fired),
                        SlaJson.Options
                    );
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (page.Next is { } next)
            {
                json.WriteString("next", next);
            }
            else
            {
                json.WriteNull("next");
            }

            json.WriteEndObject();
        });

    private static ApiResponse ProgressJson(RolloutProgress progress, int status = 200) =>
        ApiResponse.Ok(
            json =>
            {
                json.WriteStartObject();
                json.WriteString("id", progress.Id.ToString("D"));
                WritePlan(json, progress.Plan);
                json.WriteBoolean("dryRun", false);
                json.WriteString("state", WireNames.Of(progress.State));
                json.WriteNumber("total", progress.Total);
                json.WriteNumber("done", progress.Done);
                json.WriteNumber("skipped", progress.Applied.Skipped);
                WriteSummary(json, progress.Applied);
                json.WriteString("createdAt", IsoText.Format(progress.CreatedAt));
                json.WriteInstant("finishedAt", progress.FinishedAt);
                json.WriteEndObject();
            },
            status
        );

    /// <summary>What is rolled out: a policy's version, or a calendar's as its policies' versions; and from when.</summary>
    private static void WritePlan(Utf8JsonWriter json, RolloutPlan plan)
    {
        if (plan.CalendarId is { } calendarId)
        {
            json.WriteString("calendarId", calendarId);
            json.WriteStartArray("versions");
            foreach (var version in plan.Versions)
            {
                json.WriteStartObject();
                json.WriteString("policyId", version.Id);
                json.WriteNumber("version", version.Version);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }
        else
        {
            json.WriteString("policyId", plan.Versions[0].Id);
            json.WriteNumber("version", plan.Versions[0].Version);
        }

        json.WriteString("effectiveAt", IsoText.Format(plan.EffectiveAt));
    }

    /// <summary>The counts of a dry run's matched tickets, or of those a started rollout has reached.</summary>
    private static void WriteSummary(Utf8JsonWriter json, RolloutSummary summary)
    {
        json.WriteStartObject("summary");
        json.WriteNumber("matched", summary.Matched);
        json.WriteNumber("unchanged", summary.Unchanged);
        json.WriteNumber("dueEarlier", summary.DueEarlier);
        json.WriteNumber("dueLater", summary.DueLater);
        json.WriteNumber("newlyBreached", summary.NewlyBreached);
        json.WriteNumber("skipped", summary.Skipped);
        json.WriteStartObject("skippedReasons");
        foreach (var (reason, count) in summary.SkippedReasons)
        {
            json.WriteNumber(reason, count);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteState(Utf8JsonWriter json, string name, PhaseOutcome? state)
    {
        if (state is { } s)
        {
            json.WriteString(name, WireNames.Of(s));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
