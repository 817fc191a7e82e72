using System.Diagnostics;
using System.Globalization;
using NodaTime;
using SlaFunctions.Bench.Postgres;
using SlaFunctions.Bench.Query;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Rollouts;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Postgres.Polling;
using SlaFunctions.Postgres.Rollouts;

namespace SlaFunctions.Bench.Rollouts;

/// <summary>
/// <c>scripts/bench rollout</c>: a policy change over one tenant's 100k tickets (10k with <c>--quick</c>, the query
/// benchmark's histories). First its dry run, in tickets looked at per second, against the baseline of only reading
/// and restoring the same open tickets' snapshots in the same run. Then, once, its apply, in tickets reached per
/// second, while a running engine fires another tenant's thresholds falling due at <see cref="PerMinute"/> a minute
/// (as <c>scripts/bench lateness</c> does), and the lateness of those thresholds during the apply, against the same
/// engine's lateness on them in a quiet stretch just before. The last line is the figure.
/// </summary>
internal static class RolloutBench
{
    private const int PerMinute = 1_000;

    /// <summary>The tenant whose thresholds the engine fires during the apply: the rollout does not reach it.</summary>
    private const string EngineTenant = "bench-engine";

    // Version 2: shorter P1 and P2 response targets, one more threshold, a P1 escalation fewer.
    private const string Version2 = """
        { "calendar": "main", "targets": {
            "P1": { "responseMinutes": 30, "resolutionMinutes": 480, "escalations": [70, 90] },
            "P2": { "responseMinutes": 120, "resolutionMinutes": 1440 },
            "P3": { "responseMinutes": 480, "resolutionMinutes": 4800 },
            "P4": { "resolutionMinutes": 9600 } },
          "thresholds": [50, 75, 90, 95, 100],
          "pauseStatuses": ["awaiting_client", "on_hold"] }
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var count = quick ? 10_000 : 100_000;
        var runs = quick ? 2 : 3;
        var now = QueryScenario.Now;
        var clock = new BenchClock(now);
        await using var database = await BenchDatabase.CreateAsync(
            "bench_rollout",
            clock,
            PollingScenario.Calendar,
            PollingScenario.Policy
        );
        var tenant = BenchDatabase.TenantId;
        Console.WriteLine($"rollout: {count:N0} tickets in one tenant; load average {Report.LoadAverage()}");
        var tickets = QueryScenario.Build(PollingScenario.Compile(database.PolicyVersion), count);
        await QueryLoader.CopyAsync(database.DataSource, [tenant], BenchDatabase.PolicyId, tickets);
        await QueryLoader.CopyNotificationsAsync(database.DataSource, tenant, tickets);
        await database.ExecuteAsync("vacuum analyze");
        var version = await database.Definitions.PutPolicyAsync(tenant, BenchDatabase.PolicyId, Version2);
        var previews = new RolloutPreviews(database.DataSource, database.Definitions, database.Policies);
        var plan = new RolloutPlan(new PolicyRef(BenchDatabase.PolicyId, version), now);

        RolloutPreviewPage? page = null;
        var looked = 0;
        var dryRun = new List<double>();
        var baseline = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var watch = Stopwatch.StartNew();
            page = await previews.PreviewAsync(tenant, plan, null, 50, new Counter(n => looked = n));
            dryRun.Add(looked / watch.Elapsed.TotalSeconds);
            watch.Restart();
            var restored = await RestoreOpenAsync(database, tenant);
            baseline.Add(restored / watch.Elapsed.TotalSeconds);
        }

        Console.WriteLine($"{looked:N0} open tickets looked at: {Describe(page!.Summary)}");
        foreach (var (reason, n) in page.Summary.SkippedReasons)
        {
            Console.WriteLine($"  skipped {n:N0}: {reason}");
        }

        var rate = dryRun.Order().ElementAt(runs / 2);
        var restore = baseline.Order().ElementAt(runs / 2);
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"dry run: {rate:F0} tickets/s ({rate / restore:F2} of restoring alone, {restore:F0}/s), median of {runs}; load average {Report.LoadAverage()}"
            )
        );
        if (await ApplyAsync(database, clock, previews, plan, quick) is not (var applied, var p99))
        {
            return 1;
        }

        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"rollout: dry-run {rate:F0}/s, apply {applied:F0}/s, engine p99 lateness during apply {p99:F0} ms"
            )
        );
        return 0;
    }

    /// <summary>
    /// Starts the rollout of <paramref name="plan"/>, then, once the other tenant's thresholds have been falling due
    /// for a quiet stretch, applies it batch after batch until it is done. The clock runs from here on, from the
    /// scenario's now, so that the engine finds the tickets as they were left. Returns tickets reached per second
    /// and the p99 lateness in milliseconds of the thresholds due during the apply, or null when it could not tell.
    /// </summary>
    private static async Task<(double Rate, double P99)?> ApplyAsync(
        BenchDatabase database,
        BenchClock clock,
        RolloutPreviews previews,
        RolloutPlan plan,
        bool quick
    )
    {
        var lead = Duration.FromSeconds(quick ? 20 : 60);
        var quiet = Duration.FromSeconds(quick ? 10 : 30);
        var window = Duration.FromMinutes(quick ? 1 : 5);
        await database.AddTenantAsync(EngineTenant, SteadyThresholds.Calendar, SteadyThresholds.Policy);
        clock.Run();
        using var stop = new CancellationTokenSource();
        var engine = Task.Run(() => database.Engine().RunAsync(stop.Token));
        var thresholds = SteadyThresholds.Plan(clock, EngineTenant, lead, window, PerMinute);
        var service = database.Service();
        await thresholds.StartAsync(service);
        var runs = new RolloutRuns(
            database.DataSource,
            database.Policies,
            previews,
            service,
            clock,
            new StderrLogger<RolloutRuns>()
        );
        var progress = await runs.StartAsync(BenchDatabase.TenantId, plan);
        if (clock.GetCurrentInstant() >= thresholds.First)
        {
            Console.Error.WriteLine(
                $"rollout: starting the other tenant's tickets and the rollout took longer than the {lead.TotalSeconds} s before the first threshold"
            );
            return null;
        }

        Console.WriteLine(
            $"apply: {progress.Total:N0} tickets to reach; meanwhile the engine fires tenant {EngineTenant}'s {thresholds.Count:N0} thresholds, "
                + $"{PerMinute:N0}/min for {window.TotalMinutes} min, the first {quiet.TotalSeconds} s before the apply; load average {Report.LoadAverage()}"
        );
        await Task.Delay((thresholds.First + quiet - clock.GetCurrentInstant()).ToTimeSpan());
        var from = clock.GetCurrentInstant();
        var watch = Stopwatch.StartNew();
        var batches = 0;
        do
        {
            // A batch that reached nothing may still leave tickets the engine held for the sweep to find.
            while (await runs.ApplyBatchAsync(null) > 0)
            {
                batches++;
            }

            progress = (await runs.GetAsync(BenchDatabase.TenantId, progress.Id))!;
        } while (progress.State != RolloutState.Done);

        var elapsed = watch.Elapsed;
        var to = clock.GetCurrentInstant();
        var stall = new PollingOptions().MaxSleep * 2;
        var overdue = await thresholds.WaitFiredAsync(database, to, stall);
        await stop.CancelAsync();
        try
        {
            await engine;
        }
        catch (OperationCanceledException) { }

        if (to > thresholds.Last)
        {
            Console.Error.WriteLine(
                $"rollout: the apply outlasted the {window.TotalMinutes} min of the other tenant's thresholds"
            );
            return null;
        }

        var lateness = (await thresholds.LatenessAsync(database)).Where(l => l.DueAt <= to).ToList();
        var due = Enumerable.Range(0, thresholds.Count).Count(i => thresholds.DueAt(i) <= to);
        if (lateness.Count != due)
        {
            Console.Error.WriteLine(
                $"rollout: only {lateness.Count:N0} of the {due:N0} thresholds due by the apply's end fired; {overdue:N0} were overdue by more than "
                    + $"{stall.TotalSeconds} s, twice the engine's longest sleep: it stalled"
            );
            return null;
        }

        var rate = progress.Done / elapsed.TotalSeconds;
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"applied in {elapsed.TotalSeconds:F1} s, {batches:N0} batches: {rate:F0} tickets/s; load average {Report.LoadAverage()}"
            )
        );
        var retracted = await database.ScalarAsync(
            "select count(*) from notifications where tenant_id = $1 and kind = 'retraction'",
            BenchDatabase.TenantId
        );
        Console.WriteLine(
            $"{progress.Done:N0} tickets reached: {Describe(progress.Applied)}; {retracted:N0} notifications retracted"
        );
        var before = lateness.Where(l => l.DueAt < from).Select(l => l.Lateness).ToList();
        var during = lateness.Where(l => l.DueAt >= from).Select(l => l.Lateness).ToList();
        foreach (var (label, values) in new[] { ("before the apply", before), ("during the apply", during) })
        {
            Console.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"engine lateness {label}: {values.Count:N0} thresholds, p50 {Report.Percentile(values, 0.5):F0} ms, "
                        + $"p99 {Report.Percentile(values, 0.99):F0} ms, max {values.Max():F0} ms"
                )
            );
        }

        return (rate, Report.Percentile(during, 0.99));
    }

    private static string Describe(RolloutSummary s) =>
        $"{s.Matched:N0} matched, {s.Unchanged:N0} unchanged, {s.DueEarlier:N0} due earlier, {s.DueLater:N0} due later, "
        + $"{s.NewlyBreached:N0} newly breached, {s.Skipped:N0} skipped";

    /// <summary>The baseline: the same open tickets read and their snapshots restored, nothing previewed.</summary>
    private static async Task<int> RestoreOpenAsync(BenchDatabase database, string tenant)
    {
        await using var command = database.DataSource.CreateCommand(
            """
            select policy_id, policy_version, snapshot::text from ticket_slas
            where tenant_id = $1 and (response_stopped_at is null or resolution_stopped_at is null)
            """
        );
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = tenant });
        await using var reader = await command.ExecuteReaderAsync();
        var restored = 0;
        while (await reader.ReadAsync())
        {
            var policy = await database.Policies.GetAsync(
                tenant,
                new PolicyRef(reader.GetString(0), reader.GetInt32(1))
            );
            _ = TicketSla.Restore(policy, SlaJson.DeserializeSnapshot(reader.GetString(2)));
            restored++;
        }

        return restored;
    }

    private sealed class Counter(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
