using System.Collections.Immutable;
using NodaTime;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Postgres.Tests.Queries;

/// <summary>
/// The search on a real database against expectations computed here from simulate's view of the same
/// histories: every filter, every sort, and paging through each result at several page sizes.
/// </summary>
public class SlaSearchTests(QueryData data) : IClassFixture<QueryData>
{
    private static readonly Instant Now = QueryData.Now;

    public static TheoryData<string> Searches => [.. Cases.Keys];

    private static readonly ImmutableDictionary<
        string,
        (SlaSearch Search, Func<QueryData.Ticket, bool> Expected)
    > Cases = new Dictionary<string, (SlaSearch, Func<QueryData.Ticket, bool>)>
    {
        ["everything"] = (new SlaSearch(), _ => true),
        ["state=breached"] = (
            new SlaSearch { States = [PhaseOutcome.Breached] },
            t => t.Current.Any(p => p.Outcome == PhaseOutcome.Breached)
        ),
        ["state=running"] = (
            new SlaSearch { States = [PhaseOutcome.Running] },
            t => t.Current.Any(p => p.Outcome == PhaseOutcome.Running)
        ),
        ["state=paused"] = (
            new SlaSearch { States = [PhaseOutcome.Paused] },
            t => t.Current.Any(p => p.Outcome == PhaseOutcome.Paused)
        ),
        ["state=met,cancelled"] = (
            new SlaSearch { States = [PhaseOutcome.Met, PhaseOutcome.Cancelled] },
            t => t.Current.Any(p => p.Outcome is PhaseOutcome.Met or PhaseOutcome.Cancelled)
        ),
        ["phase=response&state=breached"] = (
            new SlaSearch { Phase = SlaPhase.Response, States = [PhaseOutcome.Breached] },
            t => t.Response?.Outcome == PhaseOutcome.Breached
        ),
        ["phase=resolution&state=met"] = (
            new SlaSearch { Phase = SlaPhase.Resolution, States = [PhaseOutcome.Met] },
            t => t.Resolution?.Outcome == PhaseOutcome.Met
        ),
        ["breachesWithin=PT3H"] = (
            new SlaSearch { BreachesWithin = Duration.FromHours(3) },
            t => t.Current.Any(p => Within(p, Duration.FromHours(3)))
        ),
        ["breachesWithin=P1D"] = (
            new SlaSearch { BreachesWithin = Duration.FromDays(1) },
            t => t.Current.Any(p => Within(p, Duration.FromDays(1)))
        ),
        ["phase=resolution&breachesWithin=P3D"] = (
            new SlaSearch { Phase = SlaPhase.Resolution, BreachesWithin = Duration.FromDays(3) },
            t => t.Resolution is { } p && Within(p, Duration.FromDays(3))
        ),
        ["dueAfter=Now&dueBefore=Now+1D"] = (
            new SlaSearch { DueAfter = Now, DueBefore = Now + Duration.FromDays(1) },
            t => t.DueAt >= Now && t.DueAt < Now + Duration.FromDays(1)
        ),
        ["phase=response&dueBefore=Now"] = (
            new SlaSearch { Phase = SlaPhase.Response, DueBefore = Now },
            t => t.Response?.DueAt < Now
        ),
        ["everBreached=true"] = (
            new SlaSearch { EverBreached = true },
            t => t.Simulated.Phases.Any(p => p.Outcome == PhaseOutcome.Breached)
        ),
        ["everBreached=false"] = (
            new SlaSearch { EverBreached = false },
            t => !t.Simulated.Phases.Any(p => p.Outcome == PhaseOutcome.Breached)
        ),
        ["priority=P2"] = (new SlaSearch { Priorities = ["P2"] }, t => t.CurrentPriority == "P2"),
        ["policyId=standard"] = (new SlaSearch { PolicyIds = ["standard"] }, _ => true),
        ["policyId=none"] = (new SlaSearch { PolicyIds = ["none"] }, _ => false),
        ["clientId=c1&boardId=b1,b2"] = (
            new SlaSearch { ClientIds = ["c1"], BoardIds = ["b1", "b2"] },
            t => t.ClientId == "c1" && t.BoardId is "b1" or "b2"
        ),
        ["createdAfter=+10m&createdBefore=+200m"] = (
            new SlaSearch
            {
                CreatedAfter = QueryData.Monday9 + Duration.FromMinutes(10),
                CreatedBefore = QueryData.Monday9 + Duration.FromMinutes(200),
            },
            t => t.CreatedMinute is >= 10 and < 200
        ),
        ["updatedSince=+100m"] = (
            new SlaSearch { UpdatedSince = QueryData.Monday9 + Duration.FromMinutes(100) },
            t => t.History[^1].At >= QueryData.Monday9 + Duration.FromMinutes(100)
        ),
        ["state=breached&priority=P1&clientId=c2"] = (
            new SlaSearch
            {
                States = [PhaseOutcome.Breached],
                Priorities = ["P1"],
                ClientIds = ["c2"],
            },
            t =>
                t.Current.Any(p => p.Outcome == PhaseOutcome.Breached)
                && t.CurrentPriority == "P1"
                && t.ClientId == "c2"
        ),
    }.ToImmutableDictionary();

    [Theory]
    [MemberData(nameof(Searches))]
    public async Task Each_filter_finds_exactly_the_tickets_simulate_says_match_in_due_order(string name)
    {
        var (search, expected) = Cases[name];

        var found = await AllPagesAsync(search, SlaSearch.MaxLimit);

        Assert.Equal(Expected(expected, SlaSort.DueAt), found);
    }

    [Fact]
    public async Task Remaining_below_counts_business_time_not_wall_clock_time()
    {
        var below = Duration.FromHours(3);
        var expected = Expected(
            t =>
                t.Current.Any(p =>
                    p.Outcome == PhaseOutcome.Running
                    && data.Policy.Calendar.BusinessTimeBetween(Now, p.DueAt!.Value) < below
                ),
            SlaSort.DueAt
        );

        var found = await AllPagesAsync(new SlaSearch { RemainingBelow = below }, SlaSearch.MaxLimit);

        Assert.Equal(expected, found);
        // T-04's response is due on Tuesday at 10:00: two business hours but eighteen wall-clock hours away.
        Assert.Contains("T-04", found);
        Assert.DoesNotContain(
            "T-04",
            await AllPagesAsync(new SlaSearch { BreachesWithin = below }, SlaSearch.MaxLimit)
        );
    }

    [Theory]
    [InlineData(SlaSort.DueAt)]
    [InlineData(SlaSort.DueAtDescending)]
    [InlineData(SlaSort.CreatedAt)]
    [InlineData(SlaSort.CreatedAtDescending)]
    [InlineData(SlaSort.UpdatedAt)]
    [InlineData(SlaSort.UpdatedAtDescending)]
    public async Task Every_sort_pages_through_every_ticket_once_at_any_page_size(SlaSort sort)
    {
        var expected = Expected(_ => true, sort);
        foreach (var limit in new[] { 1, 2, 5, expected.Count, expected.Count + 1 })
        {
            Assert.Equal(expected, await AllPagesAsync(new SlaSearch { Sort = sort }, limit));
        }
    }

    [Fact]
    public async Task A_page_that_ends_the_results_has_no_next_cursor_even_when_it_is_full()
    {
        var first = await data.Queries.SearchAsync(data.Tenant, new SlaSearch { Limit = 6 }, Now);
        var second = await data.Queries.SearchAsync(data.Tenant, new SlaSearch { Limit = 6, After = first.Next }, Now);

        Assert.Equal(6, first.Items.Length);
        Assert.NotNull(first.Next);
        Assert.Equal(6, second.Items.Length);
        Assert.Null(second.Next);
    }

    [Fact]
    public async Task Items_describe_each_phase_as_of_the_request_as_simulate_does()
    {
        var page = await data.Queries.SearchAsync(data.Tenant, new SlaSearch { Limit = SlaSearch.MaxLimit }, Now);

        foreach (var item in page.Items)
        {
            var ticket = data.Tickets.Single(t => t.Id == item.TicketId);
            Assert.Equal(ticket.CurrentPriority, item.Status.Priority);
            Assert.Equal("standard", item.PolicyId);
            Assert.Equal(ticket.Simulated.Phases.Select(Describe), item.Status.Phases.Select(Describe));
        }
    }

    [Fact]
    public async Task A_running_phase_whose_due_instant_passes_is_breached_at_the_next_request_without_any_write()
    {
        // The running phase due soonest after the request: nothing writes its row when its due instant comes.
        var running = data
            .Tickets.SelectMany(t =>
                t.Current.Where(p => p.Outcome == PhaseOutcome.Running)
                    .Select(p => (t.Id, p.Phase, Due: p.DueAt!.Value))
            )
            .MinBy(x => x.Due);
        var search = new SlaSearch { Phase = running.Phase, States = [PhaseOutcome.Breached] };

        var before = await AllAsync(search, running.Due - Duration.FromSeconds(1));
        var at = await AllAsync(search, running.Due);

        Assert.DoesNotContain(running.Id, before);
        Assert.Contains(running.Id, at);
    }

    [Fact]
    public async Task A_tenant_never_sees_another_tenants_tickets_with_the_same_ids()
    {
        var mine = await data.Queries.SearchAsync(data.Tenant, new SlaSearch { Limit = SlaSearch.MaxLimit }, Now);
        var theirs = await data.Queries.SearchAsync(data.Other, new SlaSearch { Limit = SlaSearch.MaxLimit }, Now);
        var theirsBreached = await data.Queries.SearchAsync(
            data.Other,
            new SlaSearch
            {
                States = [PhaseOutcome.Breached],
                Priorities = ["P1", "P2", "Low"],
                Limit = SlaSearch.MaxLimit,
            },
            Now
        );

        Assert.Equal(
            data.Tickets.Select(t => t.Id).Order(StringComparer.Ordinal),
            mine.Items.Select(i => i.TicketId).Order(StringComparer.Ordinal)
        );
        Assert.All(mine.Items, i => Assert.NotEqual("Low", i.Status.Priority));
        Assert.Equal(
            mine.Items.Select(i => i.TicketId).Order(StringComparer.Ordinal),
            theirs.Items.Select(i => i.TicketId).Order(StringComparer.Ordinal)
        );
        Assert.All(theirs.Items.Concat(theirsBreached.Items), i => Assert.Equal("Low", i.Status.Priority));
        Assert.Empty(await AllPagesAsync(new SlaSearch { Priorities = ["Low"] }, 5));
    }

    private static string Describe(PhaseStatus p) =>
        $"{p.Phase} {p.Cycle} {p.Outcome} target {p.Target.TotalNanoseconds} started {p.StartedAt.ToUnixTimeTicks()} due {p.DueAt?.ToUnixTimeTicks()} "
        + $"completed {p.CompletedAt?.ToUnixTimeTicks()} elapsed {p.Elapsed.TotalNanoseconds} paused {p.Paused.TotalNanoseconds}";

    private static bool Within(PhaseStatus phase, Duration within) =>
        phase.Outcome == PhaseOutcome.Running && phase.DueAt > Now && phase.DueAt <= Now + within;

    private List<string> Expected(Func<QueryData.Ticket, bool> matches, SlaSort sort)
    {
        var found = data.Tickets.Where(matches);
        var updated = (Func<QueryData.Ticket, Instant>)(t => t.History[^1].At);
        var ordered = sort switch
        {
            SlaSort.DueAt => found.OrderBy(t => t.DueAt ?? Instant.MaxValue).ThenBy(t => t.Id, StringComparer.Ordinal),
            SlaSort.DueAtDescending => found
                .OrderByDescending(t => t.DueAt ?? Instant.MaxValue)
                .ThenByDescending(t => t.Id, StringComparer.Ordinal),
            SlaSort.CreatedAt => found.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id, StringComparer.Ordinal),
            SlaSort.CreatedAtDescending => found
                .OrderByDescending(t => t.CreatedAt)
                .ThenByDescending(t => t.Id, StringComparer.Ordinal),
            SlaSort.UpdatedAt => found.OrderBy(updated).ThenBy(t => t.Id, StringComparer.Ordinal),
            _ => found.OrderByDescending(updated).ThenByDescending(t => t.Id, StringComparer.Ordinal),
        };
        return [.. ordered.Select(t => t.Id)];
    }

    private async Task<List<string>> AllPagesAsync(SlaSearch search, int limit)
    {
        var ids = new List<string>();
        SearchCursor? after = null;
        for (var pages = 0; pages <= data.Tickets.Length + 1; pages++)
        {
            var page = await data.Queries.SearchAsync(data.Tenant, search with { Limit = limit, After = after }, Now);
            Assert.True(page.Items.Length <= limit);
            ids.AddRange(page.Items.Select(i => i.TicketId));
            if (page.Next is null)
            {
                return ids;
            }

            Assert.Equal(limit, page.Items.Length);
            after = page.Next;
        }

        throw new InvalidOperationException("The pages did not end.");
    }

    private async Task<List<string>> AllAsync(SlaSearch search, Instant now) =>
        [
            .. (
                await data.Queries.SearchAsync(data.Tenant, search with { Limit = SlaSearch.MaxLimit }, now)
            ).Items.Select(i => i.TicketId),
        ];
}
