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
    /// (SPEC §2 "Definition change"). Only a dry run is available yet (<c>"dryRun": true</c>): per matching ticket,
    /// its due instants and states just before and after the change and what would fire at it, a summary of all
    /// matched, paged (<c>cursor</c>, <c>limit</c>); CSV when the caller accepts <c>text/csv</c> and not JSON.
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
                var (plan, cursor, limit) = JsonInput.Read(body, ReadRollout);
                var preview = await rollouts.PreviewAsync(tenant, plan, cursor, limit, null, cancellationToken);
                return WantsCsv(accept)
                    ? new ApiResponse(200, RolloutCsv.Write(preview), Csv)
                    : RolloutJson(tenant, plan, preview);
            }
        );

    private (RolloutPlan Plan, string? Cursor, int Limit) ReadRollout(JsonInput input)
    {
        input.AllowOnly("policyId", "version", "effectiveAt", "filter", "dryRun", "cursor", "limit");
        var policy = new PolicyRef(
            input.Required("policyId").AsName(),
            input.Required("version").AsWholeNumber(1, int.MaxValue)
        );
        var dryRun = input.Required("dryRun");
        if (!dryRun.AsFlag())
        {
            throw dryRun.Error("must be true: only a dry run is available yet; applying a rollout is not built");
        }

        var now = Now;
        var effectiveAt = input.Optional("effectiveAt")?.AsInstant() ?? now;
        if (effectiveAt < now)
        {
            throw input
                .Required("effectiveAt")
                .Error($"is before now ({IsoText.Format(now)}): a definition change applies from now or later");
        }

        var plan = new RolloutPlan(policy, effectiveAt);
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
        return (plan, input.Optional("cursor")?.AsName(), limit);
    }

    private static ImmutableArray<string> Names(JsonInput? list) =>
        list is { } names ? [.. names.Items().Select(n => n.AsName())] : [];

    private static ApiResponse RolloutJson(string tenant, RolloutPlan plan, RolloutPreviewPage page) =>
        ApiResponse.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString("policyId", plan.Policy.Id);
            json.WriteNumber("version", plan.Policy.Version);
            json.WriteString("effectiveAt", IsoText.Format(plan.EffectiveAt));
            json.WriteBoolean("dryRun", true);
            json.WriteStartObject("summary");
            json.WriteNumber("matched", page.Summary.Matched);
            json.WriteNumber("unchanged", page.Summary.Unchanged);
            json.WriteNumber("dueEarlier", page.Summary.DueEarlier);
            json.WriteNumber("dueLater", page.Summary.DueLater);
            json.WriteNumber("newlyBreached", page.Summary.NewlyBreached);
            json.WriteNumber("skipped", page.Summary.Skipped);
            json.WriteStartObject("skippedReasons");
            foreach (var (reason, count) in page.Summary.SkippedReasons)
            {
                json.WriteNumber(reason, count);
            }

            json.WriteEndObject();
            json.WriteEndObject();
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
