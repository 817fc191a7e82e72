using System.Diagnostics;
using System.Globalization;
using SlaFunctions.Bench.Postgres;
using SlaFunctions.Bench.Query;
using SlaFunctions.Core.Json;
using SlaFunctions.Core.Policies;
using SlaFunctions.Core.Rollouts;
using SlaFunctions.Core.Tracking;
using SlaFunctions.Postgres.Rollouts;

namespace SlaFunctions.Bench.Rollouts;

/// <summary>
/// <c>scripts/bench rollout</c>: the dry run of a policy change over one tenant's 100k tickets (10k with
/// <c>--quick</c>, the query benchmark's histories), in tickets looked at per second, against the baseline of only
/// reading and restoring the same open tickets' snapshots in the same run. Applying is not built yet, so its
/// throughput and its effect on the engine's lateness are not measured. The last line is the figure.
/// </summary>
internal static class RolloutBench
{
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

        var s = page!.Summary;
        Console.WriteLine(
            $"{looked:N0} open tickets looked at: {s.Matched:N0} matched, {s.Unchanged:N0} unchanged, {s.DueEarlier:N0} due earlier, "
                + $"{s.DueLater:N0} due later, {s.NewlyBreached:N0} newly breached, {s.Skipped:N0} skipped"
        );
        foreach (var (reason, n) in s.SkippedReasons)
        {
            Console.WriteLine($"  skipped {n:N0}: {reason}");
        }

        var rate = dryRun.Order().ElementAt(runs / 2);
        var restore = baseline.Order().ElementAt(runs / 2);
        Console.WriteLine($"load average {Report.LoadAverage()}");
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"rollout: dry-run {rate:F0} tickets/s ({rate / restore:F2} of restoring alone, {restore:F0}/s), median of {runs}; apply not built"
            )
        );
        return 0;
    }

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
