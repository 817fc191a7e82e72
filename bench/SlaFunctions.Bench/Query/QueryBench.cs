using System.Diagnostics;
using System.Globalization;
using NodaTime;
using SlaFunctions.Bench.Postgres;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Service;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Postgres.Queries;
using SlaFunctions.Postgres.Tenants;

namespace SlaFunctions.Bench.Query;

/// <summary>
/// <c>scripts/bench query</c>: 1M tracked tickets over 100 tenants of 10k each (10 tenants with <c>--quick</c>).
/// Measures, each on a random tenant per call, a "breaches within 1 h" first page, a
/// <c>state=breached</c> page 1,000 items deep into its cursor, and a compliance report of November grouped by
/// priority; and in the same run the baseline that answers the first question by restoring every snapshot of
/// the tenant. The last line is the figure.
/// </summary>
internal static class QueryBench
{
    private const int TicketsPerTenant = 10_000;
    private const int DeepItems = 1_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var tenantCount = quick ? 10 : 100;
        var calls = quick ? 50 : 200;
        var now = QueryScenario.Now;
        var clock = new BenchClock(now);
        await using var database = await BenchDatabase.CreateAsync(
            "bench_query",
            clock,
            PollingScenario.Calendar,
            PollingScenario.Policy
        );
        Console.WriteLine(
            $"query: {tenantCount} tenants x {TicketsPerTenant:N0} tickets; load average {Report.LoadAverage()}"
        );

        var tenants = Enumerable.Range(0, tenantCount).Select(i => $"tenant-{i:D3}").ToList();
        var store = new TenantStore(database.DataSource, clock);
        foreach (var tenant in tenants)
        {
            await store.AddAsync(tenant, tenant);
            await database.Definitions.PutCalendarAsync(tenant, "main", PollingScenario.Calendar);
            await database.Definitions.PutPolicyAsync(tenant, BenchDatabase.PolicyId, PollingScenario.Policy);
        }

        var watch = Stopwatch.StartNew();
        var policy = PollingScenario.Compile(1);
        var tickets = QueryScenario.Build(policy, TicketsPerTenant);
        var built = watch.Elapsed.TotalSeconds;
        await QueryLoader.CopyAsync(database.DataSource, tenants, BenchDatabase.PolicyId, tickets);
        var copied = watch.Elapsed.TotalSeconds;
        await database.ExecuteAsync("vacuum analyze");
        await database.ExecuteAsync("checkpoint");
        var size = await database.ScalarAsync("select pg_total_relation_size('ticket_slas')");
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"built {TicketsPerTenant:N0} histories in {built:F1} s; {tenants.Count * TicketsPerTenant:N0} rows by COPY in {copied - built:F1} s; "
                    + $"vacuum analyze and checkpoint in {watch.Elapsed.TotalSeconds - copied:F1} s; table with indexes {size / 1e6:F0} MB"
            )
        );

        var queries = new SlaQueries(database.DataSource, database.Policies);
        var random = new Random(7);
        string Any() => tenants[random.Next(tenants.Count)];
        var within = new SlaSearch { BreachesWithin = Duration.FromHours(1) };
        var breached = new SlaSearch { States = [PhaseOutcome.Breached] };
        var november = new ComplianceQuery(
            Instant.FromUtc(2026, 11, 1, 4, 0),
            Instant.FromUtc(2026, 12, 1, 5, 0),
            DateTimeZoneProviders.Tzdb["America/New_York"],
            [ComplianceGroupBy.Priority]
        );

        // The deep cursors, found once per tenant before measuring.
        var deep = new Dictionary<string, SearchCursor>();
        foreach (var tenant in tenants)
        {
            SearchCursor? cursor = null;
            for (var seen = 0; seen < DeepItems; seen += SlaSearch.DefaultLimit)
            {
                cursor =
                    (await queries.SearchAsync(tenant, breached with { After = cursor }, now)).Next
                    ?? throw new InvalidOperationException($"{tenant} has fewer than {DeepItems} breached tickets.");
            }

            deep[tenant] = cursor!;
        }

        var sample = await queries.SearchAsync(tenants[0], within, now);
        var sampleReport = await queries.ComplianceAsync(tenants[0], november, now);
        var scanned = await ScanAsync(database, tenants[0], now);
        if (!sample.Items.Select(i => i.TicketId).SequenceEqual(scanned))
        {
            throw new InvalidOperationException(
                "The scan baseline and the search disagree on the breaches-within-1h page."
            );
        }

        Console.WriteLine(
            $"breaches within 1 h: {sample.Items.Length} on the first page (the scan agrees); "
                + $"November by priority: {string.Join(", ", sampleReport.Select(g => $"{g.Keys[0]} {g.Met} met/{g.Breached} breached"))}"
        );

        var firstPage = await MeasureAsync(calls, () => queries.SearchAsync(Any(), within, now));
        var deepPage = await MeasureAsync(
            calls,
            () =>
            {
                var tenant = Any();
                return queries.SearchAsync(tenant, breached with { After = deep[tenant] }, now);
            }
        );
        var report = await MeasureAsync(calls / 2, () => queries.ComplianceAsync(Any(), november, now));
        var baseline = await MeasureAsync(quick ? 3 : 5, () => ScanAsync(database, Any(), now));

        Console.WriteLine();
        Console.WriteLine("                                         calls    p50 ms   p99 ms");
        Line("breaches within 1 h, first page", firstPage);
        Line($"state=breached, page {DeepItems / SlaSearch.DefaultLimit + 1} (after {DeepItems:N0})", deepPage);
        Line("compliance, November by priority", report);
        Line("scan baseline (every snapshot restored)", baseline);
        var pageP99 = Math.Max(Report.Percentile(firstPage, 0.99), Report.Percentile(deepPage, 0.99));
        Console.WriteLine($"load average {Report.LoadAverage()}");
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"query: page p99 {pageP99:F1} ms, report p99 {Report.Percentile(report, 0.99):F1} ms (scan baseline {Report.Percentile(baseline, 0.5):F0} ms)"
            )
        );
        return 0;
    }

    private static void Line(string name, List<double> times) =>
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{name, -40} {times.Count, 5} {Report.Percentile(times, 0.5), 9:F1} {Report.Percentile(times, 0.99), 8:F1}"
            )
        );

    /// <summary>Each call's wall-clock time after five unmeasured warm-up calls.</summary>
    private static async Task<List<double>> MeasureAsync<T>(int calls, Func<Task<T>> call)
    {
        for (var i = 0; i < 5; i++)
        {
            await call();
        }

        var times = new List<double>(calls);
        for (var i = 0; i < calls; i++)
        {
            var watch = Stopwatch.StartNew();
            await call();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        return times;
    }

    /// <summary>
    /// The baseline: every snapshot of the tenant restored and judged as of now, then filtered, sorted and paged in
    /// memory.
    /// </summary>
    private static async Task<List<string>> ScanAsync(BenchDatabase database, string tenant, Instant now)
    {
        await using var command = database.DataSource.CreateCommand(
            "select ticket_id, policy_id, policy_version, snapshot::text from ticket_slas where tenant_id = $1"
        );
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = tenant });
        await using var reader = await command.ExecuteReaderAsync();
        var found = new List<(Instant Due, string Id)>();
        while (await reader.ReadAsync())
        {
            var policy = await database.Policies.GetAsync(
                tenant,
                new PolicyRef(reader.GetString(1), reader.GetInt32(2))
            );
            var sla = TicketSla.Restore(policy, SlaJson.DeserializeSnapshot(reader.GetString(3)));
            var status = sla.StatusNow(now);
            var (response, resolution) = SlaSearchItem.CurrentPhases(status);
            PhaseStatus[] phases = [.. new[] { response, resolution }.OfType<PhaseStatus>()];
            if (
                phases.Any(p =>
                    p.Outcome == PhaseOutcome.Running && p.DueAt > now && p.DueAt <= now + Duration.FromHours(1)
                )
            )
            {
                var cancelled = sla.Events.OfType<TicketCancelled>().Any();
                var due = phases
                    .Where(p => p.CompletedAt is null && !cancelled && p.DueAt is not null)
                    .Min(p => p.DueAt!.Value);
                found.Add((due, reader.GetString(0)));
            }
        }

        return
        [
            .. found
                .OrderBy(f => f.Due)
                .ThenBy(f => f.Id, StringComparer.Ordinal)
                .Take(SlaSearch.DefaultLimit)
                .Select(f => f.Id),
        ];
    }
}
