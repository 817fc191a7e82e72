using System.Collections.Immutable;
using NodaTime;
using NodaTime.Calendars;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Simulation;
using SlaFunctions.Core.Tracking;

namespace SlaFunctions.Postgres.Tests.Queries;

/// <summary>
/// The compliance report's SQL aggregates against each figure computed here from simulate's view of the same histories.
/// </summary>
public class ComplianceReportTests(QueryData data) : IClassFixture<QueryData>
{
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];

    public static TheoryData<string, int, int> Windows =>
        new()
        {
            { "phase,priority", 0, 24 * 60 },
            { "priority", 0, 24 * 60 },
            { "phase", 60, 120 },
            { "", 61, 301 },
            { "client,board", -60, 24 * 60 },
            { "policy,day,week,month", 0, 24 * 60 },
        };

    [Theory]
    [MemberData(nameof(Windows))]
    public async Task Each_figure_of_each_group_is_what_the_histories_give(string groupBy, int fromMinute, int toMinute)
    {
        var by =
            groupBy.Length == 0
                ? []
                : groupBy.Split(',').Select(g => Enum.Parse<ComplianceGroupBy>(g, ignoreCase: true)).ToImmutableArray();
        var query = new ComplianceQuery(
            QueryData.Monday9 + Duration.FromMinutes(fromMinute),
            QueryData.Monday9 + Duration.FromMinutes(toMinute),
            NewYork,
            by
        );

        var groups = await data.Queries.ComplianceAsync(data.Tenant, query, QueryData.Now);

        var expected = Expected(query);
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Select(e => string.Join("|", e.Keys)), groups.Select(g => string.Join("|", g.Keys)));
        foreach (var (actual, wanted) in groups.Zip(expected))
        {
            // Records compare their key arrays by reference; the keys are compared above.
            Assert.Equal(wanted, actual with { Keys = wanted.Keys });
        }
    }

    [Fact]
    public async Task A_window_without_settled_phases_has_no_groups_and_another_tenant_counts_alone()
    {
        var empty = new ComplianceQuery(
            QueryData.Now + Duration.FromDays(1),
            QueryData.Now + Duration.FromDays(2),
            DateTimeZone.Utc,
            []
        );
        var day = new ComplianceQuery(
            QueryData.Monday9 - Duration.FromHours(9),
            QueryData.Monday9 + Duration.FromHours(15),
            DateTimeZone.Utc,
            [ComplianceGroupBy.Priority]
        );

        Assert.Empty(await data.Queries.ComplianceAsync(data.Tenant, empty, QueryData.Now));
        var other = await data.Queries.ComplianceAsync(data.Other, day, QueryData.Now);
        Assert.Equal(["Low"], other.Select(g => g.Keys[0]));
        // Every other-tenant ticket has a 30-minute response target and no reply by 16:00: all breached, none met.
        Assert.Equal(0, other[0].Met);
        Assert.Equal(2 * data.Tickets.Length, other[0].Breached);
    }

    private List<ComplianceGroup> Expected(ComplianceQuery query)
    {
        var phases =
            from t in data.Tickets
            from p in t.Current
            let at = CountedAt(t, p)
            where at >= query.From && at < query.To
            select (Ticket: t, Phase: p, At: at!.Value);
        return
        [
            .. phases
                .GroupBy(x => string.Join("|", query.GroupBy.Select(g => Key(g, x.Ticket, x.Phase, x.At))))
                .Select(g =>
                    Figures(
                        [.. query.GroupBy.Select(by => Key(by, g.First().Ticket, g.First().Phase, g.First().At))],
                        [.. g.Select(x => (x.Ticket, x.Phase))]
                    )
                )
                .OrderBy(g => string.Join("|", g.Keys.Select(k => k ?? "\uffff")), StringComparer.Ordinal),
        ];
    }

    private static ComplianceGroup Figures(
        ImmutableArray<string?> keys,
        List<(QueryData.Ticket Ticket, PhaseStatus Phase)> phases
    )
    {
        var completed = phases
            .Where(x => x.Phase.CompletedAt is not null)
            .Select(x => x.Phase.Elapsed.TotalSeconds)
            .Order()
            .ToList();
        var breached = phases.Where(x => x.Phase.Outcome == PhaseOutcome.Breached).ToList();
        return new ComplianceGroup(
            keys,
            phases.Count(x => x.Phase.Outcome == PhaseOutcome.Met),
            breached.Count,
            phases.Count(x => x.Phase.Outcome == PhaseOutcome.Cancelled),
            breached.Count(x => x.Phase.CompletedAt is null && x.Ticket.CancelledAt is null),
            Percentile(completed, 0.5),
            Percentile(completed, 0.9),
            breached
                .Where(x => x.Phase.CompletedAt is not null || x.Ticket.CancelledAt is not null)
                .Aggregate(
                    Duration.Zero,
                    (sum, x) => sum + Duration.Max(Duration.Zero, x.Phase.Elapsed - x.Phase.Target)
                )
        );
    }

    private static Instant? CountedAt(QueryData.Ticket ticket, PhaseStatus phase) =>
        phase switch
        {
            { CompletedAt: { } completed } => completed,
            { Outcome: PhaseOutcome.Breached } => phase.DueAt,
            { Outcome: PhaseOutcome.Cancelled } => ticket.CancelledAt,
            _ => null,
        };

    private static string? Key(ComplianceGroupBy by, QueryData.Ticket ticket, PhaseStatus phase, Instant at) =>
        by switch
        {
            ComplianceGroupBy.Phase => WireNames.Of(phase.Phase),
            ComplianceGroupBy.Priority => ticket.CurrentPriority,
            ComplianceGroupBy.Policy => "standard",
            ComplianceGroupBy.Client => ticket.ClientId,
            ComplianceGroupBy.Board => ticket.BoardId,
            ComplianceGroupBy.Day => at.InZone(NewYork).Date.ToString("yyyy-MM-dd", null),
            ComplianceGroupBy.Week =>
                $"{WeekYearRules.Iso.GetWeekYear(at.InZone(NewYork).Date)}-W{WeekYearRules.Iso.GetWeekOfWeekYear(at.InZone(NewYork).Date):D2}",
            _ => at.InZone(NewYork).Date.ToString("yyyy-MM", null),
        };

    /// <summary>The continuous percentile, as PostgreSQL's percentile_cont computes it, to the millisecond.</summary>
    private static Duration? Percentile(List<double> sorted, double fraction)
    {
        if (sorted.Count == 0)
        {
            return null;
        }

        var rank = fraction * (sorted.Count - 1);
        var lower = (int)Math.Floor(rank);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        var value = sorted[lower] + ((rank - lower) * (sorted[upper] - sorted[lower]));
        return Duration.FromMilliseconds(Math.Round(value * 1000, MidpointRounding.AwayFromZero));
    }
}
