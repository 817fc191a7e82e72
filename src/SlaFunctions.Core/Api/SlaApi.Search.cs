using System.Collections.Immutable;
using System.Text.Json;
using NodaTime;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Core.Validation;

namespace SlaFunctions.Core.Api;

public sealed partial class SlaApi
{
    /// <summary>The query parameters of <c>GET …/slas</c>.</summary>
    public static readonly ImmutableArray<string> SearchParameters =
    [
        "phase",
        "state",
        "breachesWithin",
        "remainingBelow",
        "dueBefore",
        "dueAfter",
        "everBreached",
        "priority",
        "policyId",
        "clientId",
        "boardId",
        "createdBefore",
        "createdAfter",
        "updatedSince",
        "sort",
        "cursor",
        "limit",
    ];

    private static readonly ImmutableDictionary<string, SlaPhase> PhaseNames = WireNames
        .Table<SlaPhase>(WireNames.Of)
        .ToImmutableDictionary();

    private static readonly ImmutableDictionary<string, PhaseOutcome> StateNames = WireNames
        .Table<PhaseOutcome>(WireNames.Of)
        .ToImmutableDictionary();

    private static readonly ImmutableDictionary<string, SlaSort> SortNames = ImmutableDictionary.CreateRange([
        KeyValuePair.Create("dueAt", SlaSort.DueAt),
        KeyValuePair.Create("-dueAt", SlaSort.DueAtDescending),
        KeyValuePair.Create("createdAt", SlaSort.CreatedAt),
        KeyValuePair.Create("-createdAt", SlaSort.CreatedAtDescending),
        KeyValuePair.Create("updatedAt", SlaSort.UpdatedAt),
        KeyValuePair.Create("-updatedAt", SlaSort.UpdatedAtDescending),
    ]);

    /// <summary>
    /// <c>GET /api/tenants/{tenant}/slas</c>: the tenant's ticket SLAs matching the filters, one keyset page in
    /// the given order, each with its phases as of now (<see cref="SlaSearch"/> says how the filters combine).
    /// </summary>
    public Task<ApiResponse> SearchAsync(
        string? authorization,
        string tenant,
        IEnumerable<KeyValuePair<string, string>> query,
        CancellationToken cancellationToken = default
    ) =>
        AsTenant(
            authorization,
            tenant,
            async () =>
            {
                var search = ReadSearch(new QueryParameters(query, [.. SearchParameters]));
                var now = Now;
                var page = await queries.SearchAsync(tenant, search, now, cancellationToken);
                return ApiResponse.Ok(json =>
                {
                    json.WriteStartObject();
                    json.WriteString("asOf", IsoText.Format(now));
                    json.WriteStartArray("items");
                    foreach (var item in page.Items)
                    {
                        WriteItem(json, item, now);
                    }

                    json.WriteEndArray();
                    if (page.Next is { } next)
                    {
                        json.WriteString("next", SearchCursorText.Format(next));
                    }
                    else
                    {
                        json.WriteNull("next");
                    }

                    json.WriteEndObject();
                });
            }
        );

    private static SlaSearch ReadSearch(QueryParameters query)
    {
        var sort = query.Choice("sort", SortNames) ?? SlaSort.DueAt;
        var search = new SlaSearch
        {
            Phase = query.Choice("phase", PhaseNames),
            States = query.Choices("state", StateNames),
            BreachesWithin = query.Duration("breachesWithin"),
            RemainingBelow = query.Duration("remainingBelow"),
            DueBefore = query.Instant("dueBefore"),
            DueAfter = query.Instant("dueAfter"),
            EverBreached = query.Boolean("everBreached"),
            Priorities = query.List("priority", 100),
            PolicyIds = query.List("policyId"),
            ClientIds = query.List("clientId"),
            BoardIds = query.List("boardId"),
            CreatedBefore = query.Instant("createdBefore"),
            CreatedAfter = query.Instant("createdAfter"),
            UpdatedSince = query.Instant("updatedSince"),
            Sort = sort,
            After = query.Text("cursor") is { } cursor ? SearchCursorText.Parse(cursor, sort) : null,
            Limit = query.Integer("limit", SlaSearch.DefaultLimit, 1, SlaSearch.MaxLimit),
        };
        if (search.DueAfter >= search.DueBefore)
        {
            throw new InvalidInputException("dueBefore", "must be later than dueAfter");
        }

        return search.CreatedAfter >= search.CreatedBefore
            ? throw new InvalidInputException("createdBefore", "must be later than createdAfter")
            : search;
    }

    private static void WriteItem(Utf8JsonWriter json, SlaSearchItem item, Instant now)
    {
        json.WriteStartObject();
        json.WriteString("ticketId", item.TicketId);
        json.WriteString("priority", item.Status.Priority);
        json.WriteString("policyId", item.PolicyId);
        json.WriteStartArray("phases");
        var (response, resolution) = SlaSearchItem.CurrentPhases(item.Status);
        foreach (var phase in new[] { response, resolution }.OfType<PhaseStatus>())
        {
            json.WriteStartObject();
            json.WriteString("phase", WireNames.Of(phase.Phase));
            json.WriteNumber("cycle", phase.Cycle);
            json.WriteString("state", WireNames.Of(phase.Outcome));
            json.WriteInstant("dueAt", phase.DueAt);
            json.WriteDuration("remaining", StatusJson.Remaining(phase, item.Status, now));
            json.WriteString("elapsed", IsoText.Format(phase.Elapsed));
            json.WriteString("paused", IsoText.Format(phase.Paused));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
